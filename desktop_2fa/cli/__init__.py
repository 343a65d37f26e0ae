"""The `desktop-2fa` command line: argparse front end over the core and vault."""

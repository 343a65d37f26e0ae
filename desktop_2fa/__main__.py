"""`python -m desktop_2fa` is the same as the `desktop-2fa` command."""

from desktop_2fa.cli.main import run

run()

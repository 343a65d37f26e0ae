"""`python -m desktop_2fa` is the same as the `desktop-2fa` command."""

import sys

from desktop_2fa.cli.main import main

sys.exit(main())

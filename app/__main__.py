"""`python -m app` runs the `crucible` command."""

import sys

from app.cli import main

sys.exit(main())

"""`python -m app` runs the `crucible` command."""

import sys

from app.launcher import main

sys.exit(main())

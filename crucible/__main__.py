"""`python -m crucible` runs the `crucible` command."""

import sys

from crucible.app.launcher import main

sys.exit(main())

"""The frozen bundle's entry point: the same `crucible` as the console script.

PyInstaller needs a script, not an entry-point name; this one only hands over
to `app.launcher.main`, which picks the desktop app or the command line.
"""

import sys

from crucible.app.launcher import main

if __name__ == "__main__":
    sys.exit(main())

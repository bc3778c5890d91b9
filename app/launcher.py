"""The `crucible` entry point: the desktop app by default, the command line otherwise.

It sits above both `app.cli` and `app.ui` so that neither needs the other,
and it imports only argparse-level code before deciding, keeping the path to
the first window light.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from crucible.app import cli


def main(argv: Sequence[str] | None = None) -> int:
    """Start the GUI for `crucible` or `crucible gui`; run a CLI command otherwise."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        parsed = cli.build_parser().parse_args(arguments)
    except cli.UsageError:
        return cli.main(arguments)  # let the CLI word the usage error
    if parsed.command in (None, "gui"):
        from crucible.app.ui.shell.launch import run_app

        return run_app(parsed.vault or cli.default_vault_folder())
    return cli.main(arguments)


if __name__ == "__main__":
    sys.exit(main())

"""The `crucible` command: scripting, automation and tests, on top of the services.

Secrets never come from argv (it is visible to every process of the user):
a command that needs one prompts on a TTY, or reads one line per secret from
standard input when stdin is not a TTY.

Exit status: 0 success; 1 a check found problems; 2 bad usage or bad input;
3 wrong passphrase or recovery code; 4 damaged or missing key file; 5
damaged database. Every message is one sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
ENV_VAULT = "CRUCIBLE_VAULT"


class UsageError(Exception):
    """Bad usage, reported as one sentence with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UsageError(f"{message[0].upper()}{message[1:]} (see 'crucible --help').")


def default_vault_folder() -> Path:
    """The platform's user data folder for Crucible, unless CRUCIBLE_VAULT says otherwise."""
    override = os.environ.get(ENV_VAULT)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("Crucible", appauthor=False))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one subcommand per use-case."""
    parser = _Parser(
        prog="crucible",
        description="Crucible: encrypted notes and live stance tracking for couples intensives.",
    )
    parser.add_argument(
        "--vault",
        type=Path,
        metavar="DIR",
        help=f"vault folder (default: ${ENV_VAULT} or the user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.add_parser("gui", help="start the desktop app (the default)")
    commands.add_parser("init", help="create a vault and print its recovery code once")
    imp = commands.add_parser("import", help="import a crucible.intensive/1 or /1.1 JSON document")
    imp.add_argument("file", type=Path)
    commands.add_parser("list", help="one line per intensive: id, couple code, first date, title")
    exp = commands.add_parser("export-json", help="write an intensive as a JSON document")
    exp.add_argument("id", type=int)
    exp.add_argument("-o", "--output", type=Path)
    commands.add_parser("passwd", help="change the passphrase (stdin: current, then new)")
    commands.add_parser("recover", help="set a new passphrase with the recovery code")
    commands.add_parser("check", help="run the integrity checks and verify the audit trail")
    summary = commands.add_parser("summary", help="the analytics of an intensive")
    summary.add_argument("id", type=int)
    summary.add_argument("--json", action="store_true", help="print JSON instead of a table")
    summary.add_argument("--flip-window", type=int, metavar="SECONDS")
    summary.add_argument("--deidentify", action="store_true", help='label partners "Partner A/B"')
    report = commands.add_parser("report", help="export a PDF report")
    report.add_argument("id", type=int)
    report.add_argument("-o", "--output", type=Path, required=True)
    report.add_argument(
        "--supervision", action="store_true", help="the de-identified supervision report"
    )
    report.add_argument(
        "--identified", action="store_true", help="keep the couple's names in a supervision report"
    )
    report.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="encrypt with the password on the first line of FILE",
    )
    report.add_argument("--paper", choices=("letter", "a4"), default="letter")
    backup = commands.add_parser(
        "backup", help="make a verified, encrypted backup now (stdin: the passphrase)"
    )
    backup.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="a new file or a folder to write into (default: the vault's backups folder)",
    )
    restore = commands.add_parser(
        "restore",
        help="restore a backup (stdin: the passphrase or recovery code valid when it was made)",
    )
    restore.add_argument("file", type=Path)
    audit = commands.add_parser("audit", help="print the audit trail and verify its hash chain")
    audit.add_argument("--json", action="store_true", help="print a JSON list of events")
    return parser


class Terminal:
    """Where the command reads secrets and writes output; tests pass their own streams."""

    def __init__(
        self,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
    ) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr

    def secret(self, prompt: str) -> str:
        """A secret from the TTY (not echoed) or one line of stdin."""
        if self.stdin.isatty():
            return getpass.getpass(prompt)
        line = self.stdin.readline()
        if not line:
            raise UsageError("Expected a secret on standard input, found none.")
        return line.rstrip("\r\n")

    def out(self, text: str) -> None:
        """Write a line of output."""
        print(text, file=self.stdout)

    def err(self, text: str) -> None:
        """Write a line to stderr."""
        print(text, file=self.stderr)


def main(
    argv: Sequence[str] | None = None, *, terminal: Terminal | None = None, kdf: Any = None
) -> int:
    """Run the command; `kdf` is for tests' fast key profile and is not reachable from argv."""
    terminal = terminal or Terminal()
    from app.cli.commands import run_command  # the services load only when a command needs them

    try:
        args = build_parser().parse_args(argv)
        return run_command(args, terminal, kdf)
    except UsageError as error:
        terminal.err(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        terminal.err("Interrupted; nothing was changed.")
        return 130


if __name__ == "__main__":
    sys.exit(main())

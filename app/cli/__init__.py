"""The `crucible` command: scripting, automation and tests, on top of the services.

Secrets never come from argv (it is visible to every process of the user):
a command that needs one prompts on a TTY, or reads one line per secret from
standard input when stdin is not a TTY.

Exit status: 0 success; 1 a check found problems; 2 bad usage or bad input;
3 wrong passphrase or recovery code; 4 damaged or missing key file; 5
damaged database; 6 the vault is in use by another window or command; 7
disk full; 8 the vault's folder or a file cannot be written; 9 a vault file
cannot be read; 10 an unexpected problem; 141 (128 + SIGPIPE, as a shell
reports for any tool) when the reader of standard output went away, as with
`crucible summary 1 | head -1`, which ends quietly. Every message is one
sentence on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, Any

CLI_ACTOR = "crucible-cli"  # who the audit trail names for what the CLI did
EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
EXIT_CLOSED_PIPE = 141
ENV_VAULT = "CRUCIBLE_VAULT"


class UsageError(Exception):
    """Bad usage, reported as one sentence with exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UsageError(f"{message[0].upper()}{message[1:]} (see 'crucible --help').")


class _PrintVersion(argparse.Action):
    """`--version`: argparse's own action wants the text when the parser is built.

    That would read the distribution's metadata on every command's way in,
    `crucible list` included; this action reads it only when asked.
    """

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from crucible.app.domain.release import version

        print(f"crucible {version()}", file=sys.stdout)
        parser.exit()


def default_vault_folder() -> Path:
    """The platform's user data folder for Crucible, unless CRUCIBLE_VAULT says otherwise."""
    override = os.environ.get(ENV_VAULT)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("Crucible", appauthor=False))


MAX_ID = 2**63 - 1  # SQLite's largest integer


def record_id(text: str) -> int:
    """An argparse type for ids: a whole number from 1 to what the database can hold."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (a number such as 1)") from None
    if not 1 <= value <= MAX_ID:
        raise argparse.ArgumentTypeError(f"{text} is not an id (ids run from 1 to {MAX_ID})")
    return value


def iso_date(text: str) -> date:
    """An argparse type for dates written as YYYY-MM-DD (the commands' --from, --to, --date)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (write it as YYYY-MM-DD, e.g. 2026-11-25)"
        ) from None


@functools.cache
def build_parser() -> argparse.ArgumentParser:
    """The argument parser, one subcommand per use-case.

    Built once per process: the launcher parses to choose between the app
    and the CLI, then the CLI parses again, and building costs tens of
    milliseconds of `crucible list`'s budget. Parsing does not change it.
    """
    parser = _Parser(
        prog="crucible",
        description="Crucible: encrypted notes and live stance tracking for couples intensives.",
    )
    parser.add_argument(
        "--version", action=_PrintVersion, nargs=0, help="print the version and exit"
    )
    parser.add_argument(
        "--vault",
        type=Path,
        metavar="DIR",
        help=f"vault folder (default: ${ENV_VAULT} or the user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.add_parser("gui", help="start the desktop app (the default)")
    init = commands.add_parser("init", help="create a vault and print its recovery code once")
    init.add_argument("--name", help="your name as it should appear on reports and signatures")
    init.add_argument("--credentials", help="e.g. LMFT (may be empty)")
    init.add_argument("--role", choices=("clinician", "trainee", "supervisor"))
    init.add_argument("--supervisor", metavar="NAME", help="a trainee's supervisor")
    imp = commands.add_parser("import", help="import a crucible.intensive/1 or /1.1 JSON document")
    source = imp.add_mutually_exclusive_group(required=True)
    source.add_argument("file", type=Path, nargs="?")
    source.add_argument(
        "--demo", action="store_true", help="the demo intensive that ships with Crucible"
    )
    commands.add_parser("list", help="one line per intensive: id, couple code, first date, title")
    exp = commands.add_parser("export-json", help="write an intensive as a JSON document")
    exp.add_argument("id", type=record_id)
    exp.add_argument("-o", "--output", type=Path)
    exp.add_argument("--force", action="store_true", help="replace an existing file")
    research = commands.add_parser(
        "export-csv", help="tidy CSV tables, a codebook and datapackage.json for research"
    )
    research.add_argument("ids", type=record_id, nargs="*", metavar="ID")
    research.add_argument("--all", action="store_true", help="every intensive in the vault")
    research.add_argument("-o", "--output", type=Path, required=True, metavar="DIR")
    research.add_argument("--identified", action="store_true", help="keep partners' names")
    research.add_argument("--keep-codes", action="store_true", help="keep couple codes")
    research.add_argument(
        "--shift-dates", action="store_true", help="move dates by a secret number of weeks"
    )
    research.add_argument("--with-text", action="store_true", help="add the free-text fields")
    research.add_argument("--force", action="store_true", help="replace an earlier export")
    boris = commands.add_parser("export-boris", help="a BORIS project of an intensive")
    boris.add_argument("id", type=record_id)
    boris.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    boris.add_argument("--force", action="store_true", help="replace an existing file")
    commands.add_parser("passwd", help="change the passphrase (stdin: current, then new)")
    commands.add_parser("recover", help="set a new passphrase with the recovery code")
    commands.add_parser("check", help="run the integrity checks and verify the audit trail")
    summary = commands.add_parser("summary", help="the analytics of an intensive")
    summary.add_argument("id", type=record_id)
    summary.add_argument("--json", action="store_true", help="print JSON instead of a table")
    summary.add_argument("--flip-window", type=int, metavar="SECONDS")
    summary.add_argument("--deidentify", action="store_true", help='label partners "Partner A/B"')
    report = commands.add_parser("report", help="export a PDF report")
    report.add_argument("id", type=record_id)
    report.add_argument("-o", "--output", type=Path, required=True)
    report.add_argument("--force", action="store_true", help="replace an existing file")
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
    from crucible.app.cli.search_command import add_arguments as add_search_arguments

    add_search_arguments(commands.add_parser("search", help="find words in the whole vault"))
    from crucible.app.cli.hours_command import add_arguments as add_hours_arguments

    add_hours_arguments(commands.add_parser("hours", help="contact and supervision hours"))
    from crucible.app.cli.card_command import add_arguments as add_card_arguments

    add_card_arguments(commands.add_parser("card", help="your card and the cards you trust"))
    from crucible.app.cli.review_command import add_arguments as add_review_arguments

    add_review_arguments(commands.add_parser("review", help="the supervision loop's packages"))
    return parser


class Terminal:
    """Where the command reads secrets, writes output and waits; tests pass their own."""

    def __init__(
        self,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.sleep = sleep  # the unlock backoff's waits

    def secret(self, prompt: str) -> str:
        """A secret from the TTY (not echoed) or one line of stdin, as UTF-8 text."""
        try:
            line = getpass.getpass(prompt) if self.stdin.isatty() else self.stdin.readline()
        except UnicodeDecodeError:
            line = "\udcff"  # reported below, like the surrogateescape form
        if not line and not self.stdin.isatty():
            raise UsageError("Expected a secret on standard input, found none.")
        if any("\ud800" <= ch <= "\udfff" for ch in line):
            raise UsageError("The secret given is not UTF-8 text; check the terminal's encoding.")
        return line.rstrip("\r\n")

    def ask(self, prompt: str) -> str:
        """One line typed on the TTY (echoed: not for secrets); the caller checks `interactive`."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise UsageError("Expected an answer on the terminal, found none.")
        return line.strip()

    @property
    def interactive(self) -> bool:
        """Whether a person is typing (stdin is a TTY), so missing answers can be asked."""
        return bool(self.stdin.isatty())

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
    from crucible.app.cli.commands import (
        run_command,  # the services load only when a command needs them
    )
    from crucible.app.services.logbook import start_logbook, stop_logbook

    try:
        args = build_parser().parse_args(argv)
        start_logbook(args.vault or default_vault_folder())
        status = run_command(args, terminal, kdf)
        terminal.stdout.flush()  # a closed pipe shows here, not in the flush at exit
        return status
    except BrokenPipeError:
        _discard_further_output(terminal.stdout)
        return EXIT_CLOSED_PIPE
    except UsageError as error:
        terminal.err(str(error))
        return EXIT_USAGE
    except KeyboardInterrupt:
        terminal.err("Interrupted; nothing was changed.")
        return 130
    finally:
        stop_logbook()  # writes the run's lines to the vault's log, if there is a vault


def _discard_further_output(stream: IO[str]) -> None:
    """Point stdout's descriptor at /dev/null once its reader has gone.

    This is the recipe of Python's `signal` documentation (note on SIGPIPE):
    the interpreter flushes stdout again at exit, and that flush would fail
    with a second BrokenPipeError printed to stderr.
    """
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # an in-memory stream (tests): nothing to redirect
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, descriptor)
    finally:
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())

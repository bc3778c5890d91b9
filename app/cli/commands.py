"""The handlers behind each `crucible` subcommand."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crucible.app.cli import (
    CLI_ACTOR,
    EXIT_OK,
    EXIT_PROBLEMS,
    Terminal,
    UsageError,
    default_vault_folder,
    unlocking,
)
from crucible.app.cli.card_command import run_card
from crucible.app.cli.hours_command import run_hours
from crucible.app.cli.review_command import run_review
from crucible.app.cli.search_command import run_search
from crucible.app.cli.terminal_text import for_terminal, json_for_terminal, lines_for_terminal
from crucible.app.domain.release import version
from crucible.app.services import vault_access
from crucible.app.services.errors import InputError, VaultError
from crucible.app.services.logbook import Version

if TYPE_CHECKING:
    from crucible.app.services.listing import IntensiveListing
    from crucible.app.services.vault_handle import Vault

# Each handler imports the services it alone needs, after the unlock where it
# can: the unlock imports the ORM beside the key derivation (app.store.vault).
# `crucible list` loads no SQLAlchemy at all when the vault allows it, and
# never the exchange format, the checks or ReportLab (docs/performance.md,
# "CLI latency").

DEMO_FILE = "demo-intensive.json"  # package data: a bundle's user has no source tree
EXIT_UNEXPECTED = 10  # not 1: `check` keeps 1 for the problems it finds
WAITING = "Waiting for another Crucible command to finish..."
log = logging.getLogger(__name__)


def run_command(args: argparse.Namespace, terminal: Terminal, kdf: Any) -> int:
    """Dispatch to the handler; map every known failure to its sentence and exit status."""
    folder: Path = args.vault or default_vault_folder()
    handler: Callable[[argparse.Namespace, Path, Terminal, Any], int] | None
    handler = _HANDLERS.get(args.command or "")
    if handler is None:  # the data-safety verbs load backups and the audit trail up front
        from crucible.app.cli.safety_commands import HANDLERS as SAFETY_HANDLERS

        handler = SAFETY_HANDLERS.get(args.command or "")
    if handler is None:
        raise UsageError("The desktop app starts with 'crucible' alone; this entry runs commands.")
    started = time.monotonic()
    log.info(
        "command %s started: Crucible %s, Python %s",
        handler,
        Version.of(version()),
        Version(sys.version_info[:3]),
    )
    try:
        status = handler(args, folder, terminal, kdf)
        log.info("command %s ended: status %d in %.3f s", handler, status, _since(started))
        return status
    except VaultError as error:
        log.info("command %s refused: %s (status %d)", handler, type(error), error.exit_status)
        terminal.err(str(error))
        return error.exit_status
    except UsageError:
        raise  # worded for the user already; main() prints it with status 2
    except BrokenPipeError:
        raise  # the reader of stdout left (`| head`); main() ends quietly
    except MemoryError:
        log.error("command %s ran out of memory", handler)
        terminal.err("The machine ran out of memory; nothing was changed.")
        return EXIT_UNEXPECTED
    except Exception as error:  # last resort: a sentence, never a traceback with client data
        log.error("command %s hit an unexpected problem", handler, exc_info=error)
        if os.environ.get("CRUCIBLE_DEBUG"):
            raise
        terminal.err(
            f"Crucible hit an unexpected problem ({type(error).__name__}); nothing was changed."
        )
        return EXIT_UNEXPECTED


def _since(started: float) -> float:
    return time.monotonic() - started


def _unlock(folder: Path, terminal: Terminal) -> Vault:
    return unlocking.unlock(folder, terminal)  # under the backoff kept beside the vault


def _init(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    if vault_access.has_vault(folder):
        from crucible.app.services.errors import VaultExistsError

        raise VaultExistsError()
    from crucible.app.cli.init_profile import profile_for_init
    from crucible.app.services.profile import save_profile, save_stand_in_profile

    profile = profile_for_init(args, terminal)  # checked before anything is created
    passphrase = terminal.secret("New passphrase: ")
    if terminal.stdin.isatty() and terminal.secret("Repeat it: ") != passphrase:
        raise UsageError("The two passphrases differ; no vault was created.")
    vault, code = vault_access.new_vault(folder, passphrase, kdf=kdf)
    try:
        if profile is None:
            save_stand_in_profile(vault)
        else:
            save_profile(vault, profile)
    finally:
        vault.lock()
    terminal.out("Vault created. Your recovery code, shown only this once:")
    terminal.out("")
    terminal.out(f"    {code}")
    terminal.out("")
    terminal.out(
        "Keep it somewhere safe and apart from this computer: it is the only way in "
        "if the passphrase is lost."
    )
    if profile is None:
        terminal.out("")
        terminal.out(
            "No profile was given (--name, --credentials, --role): the app will ask for "
            "your name and role at the first unlock."
        )
    return EXIT_OK


def _import(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    from crucible.app.services import intensive_exchange

    if args.demo:
        from crucible.app.domain.resource_files import resource

        data = resource(DEMO_FILE).read_bytes()
    else:
        try:
            data = args.file.read_bytes()
        except OSError:
            raise InputError(f"The file {args.file.name!r} cannot be read.") from None
    intensive_exchange.parse_document(data)  # refuse bad input before asking for a secret
    with _unlock(folder, terminal) as vault:
        new_id = intensive_exchange.import_intensive(vault, data, actor=CLI_ACTOR)
    terminal.out(f"Imported intensive {new_id}.")
    terminal.out(str(new_id))
    return EXIT_OK


def _list(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    from crucible.app.services import listing

    rows = unlocking.with_passphrase(
        folder,
        terminal,
        lambda passphrase, throttle: listing.list_with_passphrase(
            folder,
            passphrase,
            actor=CLI_ACTOR,
            throttle=throttle,
            on_wait=unlocking.waiting_notice(terminal),
        ),
    )
    for line in listing_lines(rows):
        terminal.out(line)
    return EXIT_OK


def listing_lines(rows: Iterable[IntensiveListing]) -> list[str]:
    """The lines `crucible list` prints: id, couple code, first date, title, tab-separated."""
    lines = []
    for row in rows:
        first = row.first_date.isoformat() if row.first_date else "-"
        lines.append(
            f"{row.id}\t{for_terminal(row.couple_code)}\t{first}\t{for_terminal(row.title)}"
        )
    return lines


def _export_json(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    from crucible.app.services.files import check_output_path, write_user_file

    if args.output is not None:  # refused before a secret is asked for
        check_output_path(folder, args.output, force=args.force)
    with _unlock(folder, terminal) as vault:
        from crucible.app.services import intensive_exchange

        data = intensive_exchange.export_intensive(vault, args.id, actor=CLI_ACTOR)
    if args.output is None:
        terminal.stdout.write(json_for_terminal(data.decode("utf-8")))
        return EXIT_OK
    write_user_file(args.output, data)
    return EXIT_OK


def _passwd(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    current = terminal.secret("Current passphrase: ")
    new = terminal.secret("New passphrase: ")
    unlocking.attempt(
        folder,
        terminal,
        lambda throttle: vault_access.set_new_passphrase(
            folder, current, new, kdf=kdf, throttle=throttle
        ),
    )
    terminal.out("Passphrase changed.")
    return EXIT_OK


def _recover(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    code = terminal.secret("Recovery code: ")
    new = terminal.secret("New passphrase: ")
    unlocking.attempt(
        folder,
        terminal,
        lambda throttle: vault_access.reset_passphrase_with_code(
            folder, code, new, kdf=kdf, throttle=throttle
        ),
    )
    terminal.out("New passphrase set; the recovery code still works.")
    return EXIT_OK


def _check(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    with _unlock(folder, terminal) as vault:
        from crucible.app.services.integrity import full_check

        problems = full_check(vault).problems
    if problems:
        for problem in problems:
            terminal.err(problem)
        return EXIT_PROBLEMS
    terminal.out(
        "All checks passed: integrity, encryption, append-only triggers, "
        "signed notes and audit trail."
    )
    return EXIT_OK


def _summary(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    from crucible.app.domain.analytics import DEFAULT_FLIP_WINDOW_S
    from crucible.app.domain.summary_format import summary_as_json, summary_as_table

    window = DEFAULT_FLIP_WINDOW_S if args.flip_window is None else args.flip_window
    review = None
    review_lines: str | None = None
    with _unlock(folder, terminal) as vault:
        from crucible.app.services.summary import intensive_summary

        summary = intensive_summary(
            vault, args.id, flip_window_s=window, deidentify=args.deidentify
        )
        if args.json:
            from crucible.app.services.review_return import review_summary

            review = review_summary(vault, args.id)
        else:
            from crucible.app.services.review_text import review_text

            review_lines = review_text(vault, args.id, deidentify=args.deidentify)
    if args.json:
        document = {**summary_as_json(summary), "review": review}
        text = json.dumps(document, ensure_ascii=False, indent=2)
        terminal.out(json_for_terminal(text))
    else:
        terminal.out(lines_for_terminal(summary_as_table(summary)))
        if review_lines:  # the supervisor's answer, when one came back
            terminal.out("")
            terminal.out(lines_for_terminal(review_lines))
    return EXIT_OK


def _report(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    from crucible.app.domain.analytics import DEFAULT_FLIP_WINDOW_S
    from crucible.app.services.files import check_output_path
    from crucible.app.services.report_export import (
        ReportRequest,
        export_report,
        suggested_file_name,
    )

    if args.identified and not args.supervision:
        raise UsageError("--identified applies to --supervision reports only.")
    password = None
    if args.password_file is not None:
        from crucible.app.services.report_password import ReportPasswordError, read_password_file

        try:
            password = read_password_file(args.password_file)
        except ReportPasswordError as error:
            raise InputError(str(error)) from None
    request = ReportRequest(
        intensive_id=args.id,
        kind="supervision" if args.supervision else "summary",
        identified=bool(args.identified),
        paper=args.paper,
        flip_window_s=DEFAULT_FLIP_WINDOW_S,
        password=password,
    )
    target: Path = args.output
    into_folder = target.is_dir()
    check_output_path(folder, target, force=args.force or into_folder)
    with _unlock(folder, terminal) as vault:
        if into_folder:
            target = target / suggested_file_name(vault, request)
            check_output_path(folder, target, force=args.force)
        export_report(vault, request, target, actor=CLI_ACTOR)
    terminal.out(f"Wrote {for_terminal(str(target))}.")
    return EXIT_OK


def _export_csv(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    from crucible.app.domain.research_codebook import ResearchOptions
    from crucible.app.services.research_export import (
        check_export_folder,
        export_research_csv,
        random_shift_days,
    )

    if args.all == bool(args.ids):
        raise UsageError("Name the intensives to export, or give --all (not both).")
    check_export_folder(folder, args.output, force=args.force)  # before a secret is asked for
    options = ResearchOptions(
        identified=bool(args.identified),
        keep_codes=bool(args.keep_codes),
        shift_days=random_shift_days() if args.shift_dates else 0,
        with_text=bool(args.with_text),
    )
    with _unlock(folder, terminal) as vault:
        result = export_research_csv(
            vault,
            None if args.all else list(args.ids),
            args.output,
            options,
            actor=CLI_ACTOR,
            force=args.force,
        )
    counts = ", ".join(
        f"{number} {word}{'' if number == 1 else 's'}"
        for number, word in (
            (result.intensives, "intensive"),
            (result.blocks, "block"),
            (result.observations, "observation"),
        )
    )
    terminal.out(f"Wrote {counts} to {for_terminal(str(result.folder))}.")
    return EXIT_OK


def _export_boris(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    from crucible.app.services.files import check_output_path

    check_output_path(folder, args.output, force=args.force)  # before a secret is asked for
    if args.output.is_dir():
        raise UsageError(f"{args.output.name!r} is a folder; give the .boris file to write.")
    with _unlock(folder, terminal) as vault:
        from crucible.app.services.boris_export import export_boris

        observations = export_boris(vault, args.id, args.output, actor=CLI_ACTOR)
    terminal.out(f"Wrote {for_terminal(str(args.output))} ({observations} BORIS observations).")
    return EXIT_OK


_HANDLERS = {
    "init": _init,
    "import": _import,
    "list": _list,
    "export-json": _export_json,
    "export-csv": _export_csv,
    "export-boris": _export_boris,
    "passwd": _passwd,
    "recover": _recover,
    "check": _check,
    "summary": _summary,
    "report": _report,
    "search": run_search,
    "hours": run_hours,
    "card": run_card,
    "review": run_review,
}

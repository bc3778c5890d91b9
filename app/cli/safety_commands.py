"""`crucible backup`, `crucible restore` and `crucible audit`: the data-safety verbs.

Their arguments are declared with the others in `app.cli.build_parser` (which
must stay light: it runs on the way to the first window); the handlers reach
the dispatcher through `HANDLERS` and share the signature of those in
`app.cli.commands`, and `run_command` there maps every `VaultError` to its
sentence and exit status (1 a backup that fails verification, 2 bad
input, 3 wrong secret, 4 damaged key file, 5 damaged database, 6 the vault
in use elsewhere, 7 disk full, 8 cannot write, 9 cannot read).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crucible.app.cli import CLI_ACTOR, EXIT_OK, EXIT_PROBLEMS, Terminal
from crucible.app.cli.terminal_text import for_terminal
from crucible.app.cli.unlocking import unlock
from crucible.app.services import audit_log, backups

Handler = Callable[[argparse.Namespace, Path, Terminal, Any], int]


def _unlock(folder: Path, terminal: Terminal) -> Any:
    return unlock(folder, terminal)  # under the backoff kept beside the vault


def _backup(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    if args.output is not None:  # refused before a secret is asked for
        from crucible.app.services.files import refuse_inside_vault

        refuse_inside_vault(folder, args.output)
    with _unlock(folder, terminal) as vault:
        result = backups.backup_now(
            vault, reason="manual", actor=CLI_ACTOR, destination=args.output
        )
    terminal.out(f"Backup written and verified: {result.info.path} ({_size(result.info.size)}).")
    return EXIT_OK


def _restore(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    secret = terminal.secret("Passphrase or recovery code valid when the backup was made: ")
    outcome = backups.restore(args.file, folder, secret, actor=CLI_ACTOR)
    made = outcome.manifest.created_at.strftime("%Y-%m-%d %H:%M")
    terminal.out(f"Restored the {for_terminal(outcome.manifest.reason)} backup made {made}.")
    if outcome.replaced is not None:
        terminal.out(f"The vault that was there is kept in {outcome.replaced}.")
    if outcome.method == "recovery-code":
        terminal.out(
            "It opens with the passphrase valid when it was made; "
            "'crucible recover' sets a new one with the recovery code."
        )
    return EXIT_OK


def _audit(args: argparse.Namespace, folder: Path, terminal: Terminal, kdf: Any) -> int:
    with _unlock(folder, terminal) as vault:
        events = audit_log.list_events(vault)
        verdict = audit_log.verify(vault)
    if args.json:
        terminal.out(json.dumps([event.as_json() for event in events], indent=2))
    else:
        for event in events:
            detail = json.dumps(event.detail, sort_keys=True) if event.detail else ""
            intensive = "-" if event.intensive_id is None else str(event.intensive_id)
            terminal.out(
                f"{event.at.isoformat(timespec='seconds')}\t{for_terminal(event.actor)}"
                f"\t{for_terminal(event.action)}"
                f"\t{intensive}\t{detail}"
            )
    # With --json, stdout stays pure JSON and the verdict goes to stderr.
    say = terminal.err if args.json else terminal.out
    if verdict.ok:
        say(f"The audit trail's hash chain verifies ({verdict.events} events).")
        return EXIT_OK
    for problem in verdict.breaks:
        terminal.err(audit_log.chain_problem_sentence(problem))
    terminal.err("The audit trail's hash chain does NOT verify.")
    return EXIT_PROBLEMS


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


HANDLERS: dict[str, Handler] = {
    "backup": _backup,
    "restore": _restore,
    "audit": _audit,
}

__all__ = ["HANDLERS"]

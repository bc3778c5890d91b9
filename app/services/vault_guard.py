"""The vault's lock around each use-case, and an interrupted restore finished on the way in.

Opening a vault holds its lock shared while the key file is read and the
database opened (the opened `Vault` then holds its own share until it is
locked), so a restore can never swap the files between the passphrase
check and the first read. Passphrase changes and restores need the vault
alone. Both first finish a restore that a crash interrupted after its
commit point (see `app.store.restore_journal`), recording its audit event,
and check the files from outside so that an unreadable file or a folder
that cannot be written gets its own sentence.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from crucible.app.domain.audit_vocabulary import SYSTEM_ACTOR
from crucible.app.domain.vault_layout import DB_NAME, KEY_NAME
from crucible.app.services.clock import Clock, system_clock
from crucible.app.store import restore_journal, vault_lock
from crucible.app.store.errors import NoVaultError
from crucible.app.store.vault_folder import check_vault_files


def restore_reporter(folder: Path, clock: Clock = system_clock) -> restore_journal.Report:
    """What a finished restore does with its journal's record: a pending audit event."""

    def report(record: dict[str, Any]) -> None:
        # Imported here: the pending file's code loads SQLAlchemy, which
        # every command's unlock loads beside the key derivation instead.
        from crucible.app.services.pending_audit import record_restore

        actor = record.get("actor")
        facts = record.get("facts")
        try:
            record_restore(
                folder,
                clock,
                actor=actor if isinstance(actor, str) else SYSTEM_ACTOR,
                detail=facts if isinstance(facts, dict) else {},
            )
        except ValueError:  # a journal edited by hand: the restore is still recorded
            record_restore(folder, clock, actor=SYSTEM_ACTOR, detail={})

    return report


@contextlib.contextmanager
def opening(folder: Path, clock: Clock = system_clock) -> Iterator[None]:
    """Hold the vault shared while it is unlocked and opened."""
    _refuse_if_no_vault(folder)
    with vault_lock.shared(folder):
        finish_interrupted_restore(folder, clock)
        check_vault_files(folder)
        yield


@contextlib.contextmanager
def alone(folder: Path, clock: Clock = system_clock) -> Iterator[None]:
    """Hold the vault exclusively (refused while another window or command uses it)."""
    _refuse_if_no_vault(folder)
    with vault_lock.exclusive(folder):
        restore_journal.roll_forward(folder, restore_reporter(folder, clock))
        check_vault_files(folder, database=False)
        yield


def finish_interrupted_restore(folder: Path, clock: Clock = system_clock) -> None:
    """Complete a journaled restore (needs the vault alone), or clear a failed one's temp files."""
    if restore_journal.is_pending(folder):
        with vault_lock.exclusive(folder):
            restore_journal.roll_forward(folder, restore_reporter(folder, clock))
    else:
        restore_journal.remove_leftovers(folder)


def _refuse_if_no_vault(folder: Path) -> None:
    """No lock file is left in a folder that holds no vault (nor a restore to finish)."""
    if not (
        (folder / KEY_NAME).exists()
        or (folder / DB_NAME).exists()
        or restore_journal.is_pending(folder)
    ):
        raise NoVaultError()


__all__ = ["alone", "finish_interrupted_restore", "opening", "restore_reporter"]

"""Events that happen while the vault is locked: kept beside it, appended at the next unlock.

Three audited actions happen while the database cannot be written: a failed
unlock (the vault is locked, and reliability test 3 forbids touching
vault.db on a wrong passphrase), a passphrase change (which rewrites
vault.key only, by design) and a restore (which replaces the database).
They wait in `pending-audit.json` beside the vault: owner-only, written
atomically, holding only kinds, times, the actor and the vault's id. The
next successful unlock appends them to the chain (`flush_pending`) and
removes the file. Each entry carries a random id that goes into its event,
so a crash between the commit and the removal never records an entry twice.

Nothing vouches for these entries: the file lies outside the encrypted
database, where anyone with the user's account can write it, delete it or
edit it. So every appended event says so in its detail (`provenance`:
"recorded while locked, not authenticated"); entries that do not match the
strict schema (`app.services.pending_schema`), lie in the future or before
any Crucible wrote such a file are refused and only counted ("pending events refused:
N"); and entries recorded for another vault (after a restore of another
vault's backup, say) are dropped and counted too. The vault's id comes from
its data key; while the vault is locked it is read from `vault-id`, which
each unlock keeps current and a restore removes (the folder then holds a
vault whose id is known only once it is unlocked, so entries recorded
meanwhile carry no id and are kept).
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crucible.app.domain.audit_vocabulary import (
    LOCKED_PROVENANCE,
    PENDING_KINDS,
    PROVENANCE_KEY,
    SYSTEM_ACTOR,
    AuditAction,
    safe_detail,
)
from crucible.app.domain.vault_layout import PENDING_FILE, VAULT_ID_FILE
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.pending_files import remember_vault_id_of
from crucible.app.services.pending_schema import (
    FORMAT,
    MAX_ACTOR,
    PendingDocument,
    PendingEntry,
    is_label,
    parse_document,
)
from crucible.app.store.audit import append_event
from crucible.app.store.derived_keys import vault_id
from crucible.app.store.files import write_atomically
from crucible.app.store.models import AuditEvent
from crucible.app.store.vault import Vault

MAX_PENDING = 500  # beyond this only a count is kept: a guessing script cannot fill the disk
MAX_PENDING_BYTES = 512 * 1024  # 500 entries take about 150 KB; a bigger file is not ours
EMPTY = PendingDocument((), 0, 0)


def record_failed_unlock(
    folder: Path, clock: Clock = system_clock, *, actor: str = SYSTEM_ACTOR
) -> None:
    """Note a failed unlock, to be appended to the chain at the next successful one.

    Call it after the unlock has failed, from the UI, never from inside the
    unlock: it writes `pending-audit.json`, not the vault.
    """
    _add_pending(folder, AuditAction.FAILED_UNLOCK, clock(), actor, {})


def record_passphrase_change(
    folder: Path, clock: Clock = system_clock, *, actor: str = SYSTEM_ACTOR, method: str
) -> None:
    """Note a passphrase change ("passphrase" or "recovery-code" authorised it)."""
    _add_pending(folder, AuditAction.PASSPHRASE_CHANGED, clock(), actor, {"method": method})


def record_restore(
    folder: Path,
    clock: Clock = system_clock,
    *,
    actor: str = SYSTEM_ACTOR,
    detail: Mapping[str, object],
) -> None:
    """Note a restore; the restored database learns of it at its next unlock.

    The folder now holds the restored vault, whose id is not known until it
    is unlocked: the remembered id goes, and this entry carries none.
    """
    with contextlib.suppress(FileNotFoundError):
        (folder / VAULT_ID_FILE).unlink()
    checked = safe_detail(detail)
    if not is_label(checked.get("backup_reason")):  # from the backup's manifest
        checked["backup_reason"] = "other"
    _add_pending(folder, AuditAction.RESTORE, clock(), actor, checked)


def record_pending(
    folder: Path,
    kind: AuditAction,
    clock: Clock = system_clock,
    *,
    actor: str = SYSTEM_ACTOR,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Queue an event of one of the pending kinds, for the next unlock to append."""
    if kind not in PENDING_KINDS:
        raise ValueError(f"{kind!r} cannot wait in the pending file")
    _add_pending(folder, kind, clock(), actor, safe_detail(detail))


def remember_vault_id(vault: Vault) -> None:
    """Keep the open vault's id beside it, for the events recorded while it is locked."""
    remember_vault_id_of(vault.folder, vault.data_key)


def pending_count(folder: Path) -> int:
    """How many events wait in the pending file (for tests and the status bar)."""
    loaded = _load(folder)
    return len(loaded.events) + loaded.dropped if isinstance(loaded, PendingDocument) else 0


def flush_pending(vault: Vault, clock: Clock = system_clock) -> int:
    """Append the admissible pending events to the chain, oldest first, then remove the file.

    Returns how many events were appended (the refusal and loss counts
    included). A damaged pending file is not silently dropped: its loss is
    itself recorded as an event, as are the entries refused or dropped.
    """
    path = vault.folder / PENDING_FILE
    if not path.exists():
        return 0
    loaded = _load(vault.folder)
    now = clock()
    with vault.write_session() as session:
        if not isinstance(loaded, PendingDocument):
            append_event(
                session,
                at=_file_time(path),
                actor=SYSTEM_ACTOR,
                action=AuditAction.PENDING_LOST,
                detail={"reason": loaded or "unreadable"},
            )
            appended = 1
        else:
            appended = _append_document(session, vault, loaded, now, _file_time(path))
    with contextlib.suppress(OSError):  # left behind, it re-flushes without duplicates
        path.unlink()
    return appended


def _append_document(
    session: Session, vault: Vault, document: PendingDocument, now: datetime, file_time: datetime
) -> int:
    already = _flushed_ids(session)
    this_vault = vault_id(vault.data_key)
    appended = refused = foreign = 0
    for entry in sorted(document.events, key=lambda e: e.at):
        if entry.id in already:
            continue
        if not entry.within(now):
            refused += 1
        elif entry.vault is not None and entry.vault != this_vault:
            foreign += 1
        else:
            append_event(
                session,
                at=entry.at,
                actor=entry.actor,
                action=AuditAction(entry.kind),
                detail={**entry.detail, "pending_id": entry.id, PROVENANCE_KEY: LOCKED_PROVENANCE},
            )
            appended += 1
    if document.dropped:
        append_event(
            session,
            at=file_time,
            actor=SYSTEM_ACTOR,
            action=AuditAction.PENDING_LOST,
            detail={"reason": "too-many", "count": document.dropped},
        )
        appended += 1
    counts = {
        "pending_events_refused": document.refused + refused,
        "pending_events_from_another_vault": foreign,
    }
    if any(counts.values()):
        append_event(
            session,
            at=now,
            actor=SYSTEM_ACTOR,
            action=AuditAction.PENDING_REFUSED,
            detail={key: count for key, count in counts.items() if count},
        )
        appended += 1
    return appended


def _flushed_ids(session: Session) -> set[str]:
    rows = session.scalars(
        select(AuditEvent.detail_json).where(AuditEvent.action.in_(sorted(PENDING_KINDS)))
    )
    ids = set()
    for row in rows:
        with contextlib.suppress(ValueError, AttributeError):
            ids.add(str(json.loads(row).get("pending_id")))
    return ids


def _file_time(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return system_clock()


def _remembered_vault_id(folder: Path) -> str | None:
    try:
        text = (folder / VAULT_ID_FILE).read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if len(text) == 32 and all(c in "0123456789abcdef" for c in text) else None


def _printable_actor(actor: str) -> str:
    return "".join(ch for ch in actor if ch.isprintable())[:MAX_ACTOR] or SYSTEM_ACTOR


def _add_pending(
    folder: Path, kind: AuditAction, at: datetime, actor: str, detail: dict[str, object]
) -> None:
    loaded = _load(folder)
    document = loaded if isinstance(loaded, PendingDocument) else EMPTY
    refused = document.refused + (1 if isinstance(loaded, str) else 0)  # an unreadable file
    events, dropped = list(document.events), document.dropped
    if len(events) >= MAX_PENDING:
        dropped += 1
    else:
        events.append(
            PendingEntry(
                secrets.token_hex(8),
                str(kind),
                at,
                _printable_actor(actor),
                detail,
                _remembered_vault_id(folder),
            )
        )
    serialized = {
        "format": FORMAT,
        "dropped": dropped,
        "refused": refused,
        "events": [event.as_json() for event in events],
    }
    write_atomically(folder / PENDING_FILE, (json.dumps(serialized, indent=1) + "\n").encode())


def _load(folder: Path) -> PendingDocument | str | None:
    """The checked document; the reason it cannot be read; or None when there is no file.

    At most MAX_PENDING_BYTES are read: the file is untrusted, and a huge one
    is recorded as lost rather than parsed.
    """
    try:
        with (folder / PENDING_FILE).open("rb") as file:
            raw = file.read(MAX_PENDING_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError:
        return "unreadable"
    if len(raw) > MAX_PENDING_BYTES:
        return "too-large"
    try:
        document = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return "unreadable"
    return parse_document(document) or "unreadable"


__all__ = [
    "MAX_PENDING",
    "MAX_PENDING_BYTES",
    "PENDING_FILE",
    "VAULT_ID_FILE",
    "flush_pending",
    "pending_count",
    "record_failed_unlock",
    "record_passphrase_change",
    "record_pending",
    "record_restore",
    "remember_vault_id",
]

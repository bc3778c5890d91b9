"""The audit trail as the app and the CLI use it: record, list, verify, and catch up.

Every sensitive action is an event: who, when, what, which intensive, and a
small detail of ids and flags. Never note text, never a secret: `record`
refuses detail values that could carry either (long strings, nested data).

Two kinds of event happen while the database cannot be written: a failed
unlock (the vault is locked, and reliability test 3 forbids touching
vault.db on a wrong passphrase) and a passphrase change (which rewrites
vault.key only, by design). They, and a restore (which replaces the
database), are kept as *pending* in `pending-audit.json` beside the vault:
owner-only, written atomically, holding only kinds, times and the actor.
The next successful unlock appends them to the hash chain (`flush_pending`)
and removes the file. Each pending entry carries a random id that goes into
its event, so a crash between the commit and the removal never records an
entry twice.

The pending file lies outside the encrypted database, so someone with the
user's account could delete it before the next unlock; the chain cannot
vouch for what it never held. Failed unlocks are recorded only when the
caller asks (`record_failed_unlock`): the unlock itself writes nothing.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from app.services.clock import Clock, system_clock
from app.store.audit import append_event, verify_chain
from app.store.files import write_atomically
from app.store.models import AuditEvent
from app.store.vault import Vault

PENDING_FILE = "pending-audit.json"
PENDING_FORMAT = "crucible.pending-audit/1"
MAX_PENDING = 500  # beyond this only a count is kept: a guessing script cannot fill the disk
MAX_DETAIL_TEXT = 80
SYSTEM_ACTOR = "crucible"


class AuditAction(StrEnum):
    """The names of audited actions, as stored in the chain."""

    VAULT_CREATED = "vault-created"
    UNLOCK = "unlock"
    FAILED_UNLOCK = "failed-unlock"
    IMPORT = "import"
    EXPORT_JSON = "export-json"
    EXPORT_REPORT = "export-report"
    NOTE_SIGNED = "sign"
    ADDENDUM = "addendum"
    BACKUP = "backup"
    RESTORE = "restore"
    PASSPHRASE_CHANGED = "passphrase-changed"  # noqa: S105 (an action name)
    SETTINGS_CHANGED = "settings-changed"
    PENDING_LOST = "pending-audit-lost"


PENDING_KINDS = frozenset(
    {
        AuditAction.FAILED_UNLOCK,
        AuditAction.PASSPHRASE_CHANGED,
        AuditAction.RESTORE,
        # Queued by reading commands while another process writes (services.deferred_audit).
        AuditAction.UNLOCK,
        AuditAction.BACKUP,
    }
)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One event of the trail, as plain data for a table or `--json`."""

    id: int
    at: datetime
    actor: str
    action: str
    intensive_id: int | None
    detail: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """The entry as JSON-ready values."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "intensive_id": self.intensive_id,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    """Whether the hash chain holds, and where it breaks if not."""

    ok: bool
    events: int
    problems: tuple[str, ...]


def safe_detail(detail: Mapping[str, object] | None) -> dict[str, object]:
    """The detail, checked to hold only flags, numbers and short labels.

    Raises ValueError (a programming error, not a user error) for anything
    that could carry client text or a secret.
    """
    checked: dict[str, object] = {}
    for key, value in (detail or {}).items():
        if not isinstance(key, str) or len(key) > 40:
            raise ValueError("audit detail keys are short strings")
        if isinstance(value, str):
            if len(value) > MAX_DETAIL_TEXT or "\n" in value:
                raise ValueError(f"audit detail {key!r} is too long to be a label")
        elif value is not None and not isinstance(value, bool | int | float):
            raise ValueError(f"audit detail {key!r} must be a flag, a number or a label")
        checked[key] = value
    return checked


def record(
    vault: Vault,
    action: AuditAction | str,
    *,
    actor: str,
    clock: Clock = system_clock,
    intensive_id: int | None = None,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Append one event in its own transaction.

    Services that write data audit inside their own transaction (so the
    event and the change commit together); this is for actions that change
    nothing in the database, such as a backup or an export to a file.
    """
    with vault.write_session() as session:
        append_event(
            session,
            at=clock(),
            actor=actor,
            action=str(action),
            intensive_id=intensive_id,
            detail=safe_detail(detail),
        )


# ---------------------------------------------------------------------- pending events


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
    """Note a restore; the restored database learns of it at its next unlock."""
    _add_pending(folder, AuditAction.RESTORE, clock(), actor, safe_detail(detail))


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


def pending_count(folder: Path) -> int:
    """How many events wait in the pending file (for tests and the status bar)."""
    document = _read_pending(folder)
    return 0 if document is None else len(document["events"]) + int(document["dropped"])


def flush_pending(vault: Vault) -> int:
    """Append the pending events to the chain, oldest first, then remove the file.

    Returns how many were appended. A damaged pending file is not silently
    dropped: its loss is itself recorded as an event.
    """
    path = vault.folder / PENDING_FILE
    if not path.exists():
        return 0
    document = _read_pending(vault.folder)
    appended = 0
    with vault.write_session() as session:
        if document is None:
            append_event(
                session,
                at=_file_time(path),
                actor=SYSTEM_ACTOR,
                action=AuditAction.PENDING_LOST,
                detail={"reason": "unreadable"},
            )
            appended = 1
        else:
            already = _flushed_ids(session)
            for entry in sorted(document["events"], key=lambda e: e["at"]):
                if entry["id"] in already:
                    continue
                append_event(
                    session,
                    at=entry["at"],
                    actor=entry["actor"],
                    action=entry["kind"],
                    detail={**entry["detail"], "pending_id": entry["id"]},
                )
                appended += 1
            if document["dropped"]:
                append_event(
                    session,
                    at=_file_time(path),
                    actor=SYSTEM_ACTOR,
                    action=AuditAction.PENDING_LOST,
                    detail={"reason": "too-many", "count": int(document["dropped"])},
                )
                appended += 1
    with contextlib.suppress(OSError):  # left behind, it re-flushes without duplicates
        path.unlink()
    return appended


# ---------------------------------------------------------------------- reading the trail


def list_events(
    vault: Vault, action: str | None = None, intensive_id: int | None = None
) -> list[AuditEntry]:
    """The events in chain order, optionally only one action or one intensive."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if intensive_id is not None:
        query = query.where(AuditEvent.intensive_id == intensive_id)
    with vault.session() as session:
        return [
            AuditEntry(
                id=event.id,
                at=event.at,
                actor=event.actor,
                action=event.action,
                intensive_id=event.intensive_id,
                detail=_detail_of(event.detail_json),
            )
            for event in session.scalars(query)
        ]


def verify(vault: Vault) -> ChainVerdict:
    """Recompute the hash chain; a database that cannot be read is a failed verdict too."""
    try:
        with vault.session() as session:
            problems = tuple(str(problem) for problem in verify_chain(session))
            count = len(session.scalars(select(AuditEvent.id)).all())
    except DBAPIError:
        unreadable = "The audit trail could not be read; the database is damaged."
        return ChainVerdict(ok=False, events=0, problems=(unreadable,))
    return ChainVerdict(ok=not problems, events=count, problems=problems)


# ---------------------------------------------------------------------- internals


def _detail_of(detail_json: str) -> dict[str, Any]:
    try:
        value = json.loads(detail_json)
    except ValueError:
        return {"unreadable": True}
    return value if isinstance(value, dict) else {"value": value}


def _flushed_ids(session: Any) -> set[str]:
    rows = session.scalars(
        select(AuditEvent.detail_json).where(AuditEvent.action.in_(sorted(PENDING_KINDS)))
    )
    return {str(_detail_of(row).get("pending_id")) for row in rows}


def _file_time(path: Path) -> datetime:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return system_clock()


def _add_pending(
    folder: Path, kind: AuditAction, at: datetime, actor: str, detail: dict[str, object]
) -> None:
    document = _read_pending(folder) or {"events": [], "dropped": 0}
    events: list[dict[str, Any]] = document["events"]
    dropped = int(document["dropped"])
    if len(events) >= MAX_PENDING:
        dropped += 1
    else:
        events.append(
            {"id": secrets.token_hex(8), "kind": kind, "at": at, "actor": actor, "detail": detail}
        )
    serialized = {
        "format": PENDING_FORMAT,
        "dropped": dropped,
        "events": [
            {
                "id": event["id"],
                "kind": str(event["kind"]),
                "at": event["at"].isoformat(),
                "actor": event["actor"],
                "detail": event["detail"],
            }
            for event in events
        ],
    }
    write_atomically(folder / PENDING_FILE, (json.dumps(serialized, indent=1) + "\n").encode())


def _read_pending(folder: Path) -> dict[str, Any] | None:
    """The pending file parsed and checked entry by entry; None if absent or unreadable.

    Entries that do not parse are dropped and counted, so one bad line
    neither blocks the others nor disappears without a trace.
    """
    try:
        raw = (folder / PENDING_FILE).read_bytes()
        document = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("format") != PENDING_FORMAT:
        return None
    entries = document.get("events")
    dropped = document.get("dropped", 0)
    if not isinstance(entries, list) or not isinstance(dropped, int) or dropped < 0:
        return None
    events = []
    for entry in entries:
        parsed = _parse_pending_entry(entry)
        if parsed is None:
            dropped += 1
        else:
            events.append(parsed)
    return {"events": events, "dropped": dropped}


def _parse_pending_entry(entry: object) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        return None
    kind, at, actor = entry.get("kind"), entry.get("at"), entry.get("actor")
    entry_id, detail = entry.get("id"), entry.get("detail", {})
    if kind not in PENDING_KINDS or not isinstance(at, str) or not isinstance(entry_id, str):
        return None
    if not isinstance(actor, str) or len(actor) > 200 or not isinstance(detail, dict):
        return None
    try:
        moment = datetime.fromisoformat(at)
        checked = safe_detail(detail)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return {
        "id": entry_id,
        "kind": AuditAction(kind),
        "at": moment,
        "actor": actor,
        "detail": checked,
    }


__all__ = [
    "PENDING_FILE",
    "AuditAction",
    "AuditEntry",
    "ChainVerdict",
    "flush_pending",
    "list_events",
    "pending_count",
    "record",
    "record_failed_unlock",
    "record_passphrase_change",
    "record_pending",
    "record_restore",
    "safe_detail",
    "verify",
]

"""The audit trail as the app and the CLI use it: record, list, verify, and catch up.

Every sensitive action is an event: who, when, what, which intensive, and a
small detail of ids and flags. Never note text, never a secret: `record`
refuses detail values that could carry either (long strings, nested data).

Events that happen while the vault is locked wait in `pending-audit.json`
(`app.services.pending_audit`, re-exported here) and reach the chain at the
next unlock marked "recorded while locked, not authenticated": each entry
says whether the trail can vouch for it (`AuditEntry.authenticated`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from crucible.app.domain.audit_vocabulary import (
    ANCHORING_ACTIONS,
    LOCKED_PROVENANCE,
    PENDING_KINDS,
    PROVENANCE_KEY,
    SYSTEM_ACTOR,
    AuditAction,
    ChainBreak,
    ChainProblem,
    chain_problem_sentence,
    safe_detail,
)
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.pending_audit import (
    MAX_PENDING,
    MAX_PENDING_BYTES,
    PENDING_FILE,
    flush_pending,
    pending_count,
    record_failed_unlock,
    record_passphrase_change,
    record_pending,
    record_restore,
)
from crucible.app.store.audit import append_event, verify_chain
from crucible.app.store.models import AuditEvent
from crucible.app.store.vault import Vault


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One event of the trail, as plain data for a table or `--json`."""

    id: int
    at: datetime
    actor: str
    action: str
    intensive_id: int | None
    detail: dict[str, Any]

    @property
    def authenticated(self) -> bool:
        """False for events recorded while the vault was locked: nothing vouches for them."""
        return self.detail.get(PROVENANCE_KEY) != LOCKED_PROVENANCE

    def as_json(self) -> dict[str, Any]:
        """The entry as JSON-ready values."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "intensive_id": self.intensive_id,
            "detail": self.detail,
            "authenticated": self.authenticated,
        }


@dataclass(frozen=True, slots=True)
class ChainVerdict:
    """Whether the hash chain holds, and where it breaks if not.

    Structured, not worded: the audit window marks `broken_ids` in its
    table, and each edge words `breaks` with `chain_problem_sentence`.
    """

    ok: bool
    events: int
    breaks: tuple[ChainProblem, ...]

    @property
    def broken_ids(self) -> tuple[int, ...]:
        """The ids of the events named by a break, in chain order, each once."""
        return tuple(sorted({b.event_id for b in self.breaks if b.event_id is not None}))


def record(
    vault: Vault,
    action: AuditAction,
    *,
    actor: str,
    clock: Clock = system_clock,
    intensive_id: int | None = None,
    detail: Mapping[str, object] | None = None,
) -> None:
    """Append one event in its own transaction.

    Services that write data audit inside their own transaction (so the
    event and the change commit together); this is for actions that change
    nothing in the database, such as a backup or an export to a file. Both
    go through `app.store.audit.append_event`, which checks the action and
    the detail.
    """
    with vault.write_session() as session:
        append_event(
            session,
            at=clock(),
            actor=actor,
            action=action,
            intensive_id=intensive_id,
            detail=detail,
        )


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
            breaks = tuple(verify_chain(session))
            count = len(session.scalars(select(AuditEvent.id)).all())
    except DBAPIError:
        return ChainVerdict(ok=False, events=0, breaks=(ChainProblem(None, ChainBreak.UNREADABLE),))
    return ChainVerdict(ok=not breaks, events=count, breaks=breaks)


# ---------------------------------------------------------------------- internals


def _detail_of(detail_json: str) -> dict[str, Any]:
    try:
        value = json.loads(detail_json)
    except ValueError:
        return {"unreadable": True}
    return value if isinstance(value, dict) else {"value": value}


__all__ = [
    "ANCHORING_ACTIONS",
    "LOCKED_PROVENANCE",
    "MAX_PENDING",
    "MAX_PENDING_BYTES",
    "PENDING_FILE",
    "PENDING_KINDS",
    "SYSTEM_ACTOR",
    "AuditAction",
    "AuditEntry",
    "ChainBreak",
    "ChainProblem",
    "ChainVerdict",
    "chain_problem_sentence",
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

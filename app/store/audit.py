"""The audit trail: append-only, hash-chained events.

Each event's hash covers its own fields and the previous event's hash, so
removing, reordering or editing any entry breaks every hash after it; the
database triggers refuse UPDATE and DELETE outright. Details hold ids and
flags only, never note text or secrets.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import AuditEvent

GENESIS = "0" * 64


def _event_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    intensive_id: int | None,
    detail_json: str,
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), actor, action, intensive_id, detail_json],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_event(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    intensive_id: int | None = None,
    detail: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Add an event chained to the newest one, inside the caller's transaction."""
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev_hash = prev or GENESIS
    detail_json = json.dumps(dict(detail or {}), sort_keys=True, ensure_ascii=False)
    event = AuditEvent(
        at=at,
        actor=actor,
        action=action,
        intensive_id=intensive_id,
        detail_json=detail_json,
        prev_hash=prev_hash,
        hash=_event_hash(prev_hash, at, actor, action, intensive_id, detail_json),
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """Where the chain breaks, said without repeating the entry's content."""

    event_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit event {self.event_id}: {self.problem}"


def verify_chain(session: Session) -> list[ChainProblem]:
    """Recompute every hash in order; an empty list means the chain is intact."""
    problems = []
    expected_prev = GENESIS
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != expected_prev:
            problems.append(ChainProblem(event.id, "does not follow the event before it"))
        recomputed = _event_hash(
            event.prev_hash,
            event.at,
            event.actor,
            event.action,
            event.intensive_id,
            event.detail_json,
        )
        if recomputed != event.hash:
            problems.append(ChainProblem(event.id, "was changed after it was written"))
        expected_prev = event.hash
    return problems

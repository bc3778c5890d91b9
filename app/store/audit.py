"""The audit trail: append-only, chained events whose links are keyed.

Each event's link covers its own fields and the previous event's link, so
removing, reordering or editing any entry breaks every link after it; the
database triggers refuse UPDATE and DELETE outright. Details hold ids and
flags only, never note text or secrets.

Links are HMAC-SHA256 under the audit-chain key, derived from the data key
(`app.store.derived_keys`) and handed to each connection by the engine's
connect hook: relinking the chain after removing an event takes the key, not
only a readable copy of the database and this algorithm. Events written
before the vault reached revision 0004 keep their unkeyed SHA-256 links and
are verified as they are; `audit_keying.keyed_after` records the last of
them, and every event after it must carry a keyed link. Someone who holds
the data key can still derive the chain key (see docs/tamper-evidence.md).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from crucible.app.domain.audit_vocabulary import AuditAction, ChainBreak, ChainProblem, safe_detail
from crucible.app.store.audit_links import GENESIS, detail_text, keyed_link, payload, unkeyed_link
from crucible.app.store.derived_keys import CHAIN_KEY_INFO
from crucible.app.store.models import AuditEvent, AuditKeying

KEYED_SCHEME = "hmac-sha256/1"  # as recorded by revision 0004


def chain_key(session: Session) -> bytes:
    """The audit-chain key the engine gave the session's connection."""
    key = session.connection().info.get(CHAIN_KEY_INFO)
    if not isinstance(key, bytes):
        raise RuntimeError("this connection was not keyed by Crucible; the chain key is missing")
    return key


def append_event(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: AuditAction,
    intensive_id: int | None = None,
    detail: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Add an event with a keyed link to the newest one, inside the caller's transaction.

    This is the only way an event is written. The action must be a member of
    `AuditAction` and the detail passes `safe_detail` here, so no caller can
    put client text or a secret into the trail, or an action name the audit
    window and `crucible audit` do not know. Both refusals are ValueError:
    a programming error, not a user's.
    """
    if not isinstance(action, AuditAction):
        raise ValueError(f"audit actions are AuditAction members, not {type(action).__name__}")
    checked = safe_detail(detail)
    key = chain_key(session)
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev_hash = prev or GENESIS
    detail_json = detail_text(checked)
    linked = payload(prev_hash, at, actor, action, intensive_id, detail_json)
    event = AuditEvent(
        at=at,
        actor=actor,
        action=str(action),
        intensive_id=intensive_id,
        detail_json=detail_json,
        prev_hash=prev_hash,
        hash=keyed_link(key, linked),
    )
    session.add(event)
    session.flush()
    return event


def keyed_after(session: Session) -> int | None:
    """The last event with an unkeyed link; None if the keying record is missing."""
    has_table = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_keying'")
    ).first()
    if has_table is None:
        return None
    return session.scalar(
        select(AuditKeying.keyed_after).where(AuditKeying.scheme == KEYED_SCHEME).limit(1)
    )


def verify_chain(session: Session) -> list[ChainProblem]:
    """Recompute every link in order; an empty list means the chain is intact.

    Up to the keying record's `keyed_after` a link may be unkeyed (as written
    before the switch) or keyed; after it, only a keyed link verifies.
    """
    key = chain_key(session)
    problems: list[ChainProblem] = []
    last_unkeyed = keyed_after(session)
    if last_unkeyed is None:
        problems.append(ChainProblem(None, ChainBreak.KEYING_RECORD_MISSING))
    expected_prev = GENESIS
    # Plain rows, not ORM objects: a long trail verifies about twice as fast.
    rows = session.execute(
        select(
            AuditEvent.id,
            AuditEvent.at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.intensive_id,
            AuditEvent.detail_json,
            AuditEvent.prev_hash,
            AuditEvent.hash,
        ).order_by(AuditEvent.id)
    )
    for event_id, at, actor, action, intensive_id, detail_json, prev_hash, link in rows:
        if prev_hash != expected_prev:
            problems.append(ChainProblem(event_id, ChainBreak.NOT_FOLLOWING))
        linked = payload(prev_hash, at, actor, action, intensive_id, detail_json)
        if not hmac.compare_digest(keyed_link(key, linked), link):
            unkeyed = hmac.compare_digest(unkeyed_link(linked), link)
            if not unkeyed:
                problems.append(ChainProblem(event_id, ChainBreak.CHANGED))
            elif last_unkeyed is not None and event_id > last_unkeyed:
                problems.append(ChainProblem(event_id, ChainBreak.UNKEYED_LINK))
        expected_prev = link
    return problems

"""How an audit event is serialized and linked to the one before it, without the ORM.

The one definition of an event's link: `app.store.audit` (the ORM's append
and the chain check) and `app.store.raw_reader` (the unlock event of
`crucible list`, which must not load SQLAlchemy) both build links here, so
the two writers can never disagree about what a verifier recomputes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import datetime

GENESIS = "0" * 64


def detail_text(detail: Mapping[str, object] | None) -> str:
    """The stored form of an event's detail: sorted keys, so the link is reproducible."""
    return json.dumps(dict(detail or {}), sort_keys=True, ensure_ascii=False)


def payload(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    intensive_id: int | None,
    detail_json: str,
) -> bytes:
    """The bytes a link covers: the event's fields and the previous event's link."""
    return json.dumps(
        [prev_hash, at.isoformat(), actor, action, intensive_id, detail_json],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def keyed_link(key: bytes, data: bytes) -> str:
    """HMAC-SHA256 under the audit-chain key: how every new event is linked."""
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def unkeyed_link(data: bytes) -> str:
    """Plain SHA-256: how events were linked before revision 0004."""
    return hashlib.sha256(data).hexdigest()


__all__ = ["GENESIS", "detail_text", "keyed_link", "payload", "unkeyed_link"]

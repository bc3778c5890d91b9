"""The trainee sends a supervised intensive for review: a sealed, signed `.crucible-review` file.

The intensive goes out de-identified exactly as the supervision PDF is
(``reports.supervision_report`` passes :func:`deidentify_intensive` the
intensive :func:`get_intensive` loads; so does this), sealed to the
supervisor's card and signed with this vault's key. The vault keeps what
the package pinned (its id and per-block hashes) so the return can be
checked against it, and so a note that gains an addendum after sending is
flagged as added after review.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.domain.deidentify import deidentify_intensive
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.review import Card
from crucible.app.domain.review_package import seal_package
from crucible.app.domain.review_payload import review_payload
from crucible.app.domain.vocabulary import Role
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError
from crucible.app.services.files import refuse_inside_vault, write_user_file
from crucible.app.services.identity import find_card, keys_in, own_card
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.store import models
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SentReview:
    """What was sent: the package's id, for whom, and where the file went."""

    package_id: str
    intensive_id: int
    recipient: Card
    path: Path


def package_intensive(vault: Vault, intensive_id: int) -> Intensive:
    """The intensive as a package carries it: de-identified exactly as the supervision PDF."""
    return deidentify_intensive(get_intensive(vault, intensive_id))


def send_for_review(
    vault: Vault,
    intensive_id: int,
    recipient: str,
    path: Path,
    *,
    actor: str,
    clock: Clock = system_clock,
) -> SentReview:
    """Write the review package of a supervised intensive, sealed to an imported supervisor's card.

    ``recipient`` names an imported card by id or fingerprint. The file is
    written inside the transaction that records it, so a failed write
    leaves no record and a failed record no file.

    Raises:
        InputError: Not supervised, the card is not a supervisor's, or the path is refused.
        NotFoundError: No such intensive or card.
    """
    refuse_inside_vault(vault.folder, path)
    stored = find_card(vault, recipient)
    if stored.card.role is not Role.SUPERVISOR:
        raise InputError("A review package is sealed to a supervisor's card; that card is not.")
    original = get_intensive(vault, intensive_id)
    if not original.is_supervised:
        raise InputError("Only a supervised intensive can be sent for review.")
    sender = own_card(vault, actor=actor, clock=clock)
    now = clock()
    package_id = uuid.uuid4().hex
    payload = review_payload(package_id, now, deidentify_intensive(original))
    with vault.write_session() as session:
        keys = keys_in(session, now, actor)
        data = seal_package(payload, keys, sender, stored.card)
        session.add(
            models.ReviewSent(
                intensive_id=intensive_id,
                package_id=package_id,
                recipient_fingerprint=stored.card.fingerprint,
                sent_at=now,
                digest=payload["digest"],
                states_json=json.dumps(payload["blocks"]),
            )
        )
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.REVIEW_SENT,
            intensive_id=intensive_id,
            detail={"card": stored.id, "bytes": len(data)},
        )
        write_user_file(path, data)
    log.info("sent intensive %d for review: %d bytes", intensive_id, len(data))
    return SentReview(package_id, intensive_id, stored.card, path)


__all__ = ["SentReview", "package_intensive", "send_for_review"]

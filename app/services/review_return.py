"""The trainee's side of the return: open the supervisor's package, keep it beside the intensive.

A return is taken only if it answers a package this vault sent (same id,
same reviewed digest) and is signed by the card that package was sealed to
(and, when the trainee linked one, by their supervisor's card). Its
comments, coding layer and co-signature are stored as they came, in their
own table, never in the intensive's records. A note that gained an
addendum after sending (or a block that changed at all) is flagged: the
co-signature does not cover what is there now.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.domain.review import Card, IntensiveReview
from crucible.app.domain.review_package import OpenedPackage, PackageError, verify_signature
from crucible.app.domain.review_payload import (
    BlockState,
    ReturnContent,
    block_states,
    changed_blocks,
    cosign_message,
    parse_return_payload,
    return_answers,
)
from crucible.app.domain.vocabulary import Role
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError
from crucible.app.services.identity import linked_supervisor
from crucible.app.services.review_send import package_intensive
from crucible.app.store import models
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReturnOpened:
    """What opening a return package did: for which intensive, and what it flagged."""

    intensive_id: int
    review: IntensiveReview


def _sent(session: Session, package_id: str) -> models.ReviewSent | None:
    return session.scalar(
        select(models.ReviewSent).where(models.ReviewSent.package_id == package_id)
    )


def _states(sent: models.ReviewSent) -> tuple[BlockState, ...]:
    return tuple(BlockState.from_list(raw) for raw in json.loads(sent.states_json))


def _checked_content(
    vault: Vault, opened: OpenedPackage, sent: models.ReviewSent
) -> tuple[ReturnContent, tuple[int, ...]]:
    intensive = package_intensive(vault, sent.intensive_id)
    try:
        content = parse_return_payload(opened.payload, intensive)
    except PackageError as error:
        raise InputError(str(error)) from None
    signed = content.cosignature
    if signed is not None and not (
        signed.covered_digest == sent.digest
        and signed.fingerprint == opened.sender.fingerprint
        and signed.signer == opened.sender.name
        and verify_signature(
            opened.sender, signed.signature, cosign_message(signed.covered_digest, signed.signed_at)
        )
    ):
        raise InputError("The package's co-signature does not verify; nothing was stored.")
    return content, changed_blocks(_states(sent), block_states(intensive))


def open_return(
    vault: Vault, opened: OpenedPackage, *, actor: str, clock: Clock = system_clock
) -> ReturnOpened:
    """Check and store a return package beside the intensive it answers.

    A stale return (the intensive changed after sending) is stored and
    flagged in ``review.changed_after_review``; the caller says so.

    Raises:
        InputError: It answers no package this vault sent, another version of
            it, comes from another card than the one it was sent to, or is an
            older or repeated copy of the return already stored.
    """
    try:
        answers, digest = return_answers(opened.payload)
    except PackageError as error:
        raise InputError(str(error)) from None
    linked = linked_supervisor(vault)
    with vault.session() as session:
        sent = _sent(session, answers)
        if sent is None:
            raise InputError("The return package answers a review this vault did not send.")
        if digest != sent.digest:
            raise InputError("The return package answers another version of this review.")
        if opened.sender.fingerprint != sent.recipient_fingerprint or (
            linked is not None and linked.card.fingerprint != opened.sender.fingerprint
        ):
            raise InputError(
                "The return package is not signed by the supervisor the review was sent to."
            )
        session.expunge(sent)
    content, changed = _checked_content(vault, opened, sent)
    now = clock()
    with vault.write_session() as session:
        previous = session.scalar(
            select(models.ReviewReturn).where(models.ReviewReturn.sent_id == sent.id)
        )
        if previous is not None:
            if previous.package_id == content.package_id:
                raise InputError("This return package was already opened.")
            if content.returned_at <= previous.returned_at:
                raise InputError("A newer return for this review is already stored.")
            session.delete(previous)
            session.flush()
        sender = opened.sender
        session.add(
            models.ReviewReturn(
                sent_id=sent.id,
                package_id=content.package_id,
                supervisor_name=sender.name,
                supervisor_role=sender.role.value,
                supervisor_sealing_key=sender.sealing_key,
                supervisor_signing_key=sender.signing_key,
                returned_at=content.returned_at,
                received_at=now,
                payload_json=json.dumps(dict(opened.payload), ensure_ascii=False),
                changed_after_review=list(changed),
                cosigned_at=None if content.cosignature is None else content.cosignature.signed_at,
            )
        )
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.REVIEW_RETURN_OPENED,
            intensive_id=sent.intensive_id,
            detail={
                "comments": len(content.comments),
                "cosigned": content.cosignature is not None,
                "changed_blocks": len(changed),
            },
        )
    log.info("opened a return for intensive %d", sent.intensive_id)
    return ReturnOpened(sent.intensive_id, _review(sender, content, changed))


def _review(supervisor: Card, content: ReturnContent, changed: tuple[int, ...]) -> IntensiveReview:
    return IntensiveReview(
        supervisor=supervisor,
        comments=content.comments,
        supervisor_layer=content.layer,
        cosignature=content.cosignature,
        returned_at=content.returned_at,
        changed_after_review=changed,
    )


def review_report(vault: Vault, intensive_id: int) -> IntensiveReview | None:
    """What came back for the intensive's latest returned review, or None.

    ``changed_after_review`` is computed now, against the intensive as it is:
    an addendum written after the return was opened is flagged too.
    """
    with vault.session() as session:
        found = session.execute(
            select(models.ReviewSent, models.ReviewReturn)
            .join(models.ReviewReturn, models.ReviewReturn.sent_id == models.ReviewSent.id)
            .where(models.ReviewSent.intensive_id == intensive_id)
            .order_by(models.ReviewReturn.returned_at.desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        sent, returned = found
        session.expunge_all()
    supervisor = Card(
        returned.supervisor_name,
        Role(returned.supervisor_role),
        bytes(returned.supervisor_sealing_key),
        bytes(returned.supervisor_signing_key),
    )
    intensive = package_intensive(vault, intensive_id)
    content = parse_return_payload(json.loads(returned.payload_json), intensive, stored=True)
    changed = changed_blocks(_states(sent), block_states(intensive))
    return _review(supervisor, content, changed)


def cosigned_intensives(vault: Vault) -> dict[int, datetime]:
    """The intensives whose latest return is co-signed, with when (for the navigator's mark)."""
    with vault.session() as session:
        rows = session.execute(
            select(models.ReviewSent.intensive_id, models.ReviewReturn.cosigned_at)
            .join(models.ReviewReturn, models.ReviewReturn.sent_id == models.ReviewSent.id)
            .where(models.ReviewReturn.cosigned_at.is_not(None))
            .order_by(models.ReviewReturn.returned_at)
        ).all()
    return {intensive_id: at for intensive_id, at in rows if at is not None}


def review_summary(vault: Vault, intensive_id: int) -> dict[str, Any] | None:
    """`crucible summary --json`'s ``review``: comments, kappa per block and overall, co-signature.

    The trainee's layer is the intensive as it is now; the supervisor's is
    the one that came back.
    """
    from crucible.app.domain.review import review_agreement
    from crucible.app.domain.review_json import review_as_json
    from crucible.app.services.intensive_exchange import get_intensive

    review = review_report(vault, intensive_id)
    if review is None:
        return None
    intensive = get_intensive(vault, intensive_id)
    count = sum(len(day.blocks) for day in intensive.days)
    # A block removed since the review leaves its coding without a block to compare with.
    layer = {n: obs for n, obs in review.supervisor_layer.items() if n <= count}
    figures = review_agreement(intensive, layer)
    return review_as_json(review, figures)


__all__ = ["ReturnOpened", "cosigned_intensives", "open_return", "review_report", "review_summary"]

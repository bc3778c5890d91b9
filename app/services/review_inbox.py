"""The supervisor's side: reviews opened from packages, comments, a coding layer, co-sign, return.

A received review is stored read-only (a trigger refuses any change to
its row). What the supervisor adds lives beside it: comments per block
position or on the whole intensive, their own coding layer per block
position (never touching the trainee's observations), and at most one
co-signature: an Ed25519 signature over the reviewed digest and the time.
"Return to trainee" seals all of that to the trainee's card.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.domain.exchange import (
    FormatError,
    observation_document,
    parse_block_observation,
    parse_intensive,
)
from crucible.app.domain.intensive import Block, Intensive, Observation
from crucible.app.domain.review import (
    Card,
    CoSignature,
    ReviewAgreement,
    ReviewComment,
    numbered_blocks,
    review_agreement,
)
from crucible.app.domain.review_package import OpenedPackage, PackageError, seal_package
from crucible.app.domain.review_payload import (
    MAX_COMMENT_LENGTH,
    ReviewContent,
    cosign_message,
    parse_review_payload,
    return_payload,
)
from crucible.app.domain.text_rules import is_blank, text_problem
from crucible.app.domain.vocabulary import Role
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.services.files import refuse_inside_vault, write_user_file
from crucible.app.services.identity import (
    add_card_in,
    card_by_fingerprint,
    cards_in,
    keys_in,
    own_card,
)
from crucible.app.store import models
from crucible.app.store.audit import append_event
from crucible.app.store.intensives import utc_key
from crucible.app.store.vault import Vault

log = logging.getLogger(__name__)
MAX_CODING_BYTES = 64 * 1024 * 1024

Confirm = Callable[[Card], bool]
"""Asked, with the sender's card, when the sender is not yet a known card: True to trust it."""


@dataclass(frozen=True, slots=True)
class ReviewListing:
    """One row of the casebook's Reviews section and of `crucible review list`."""

    id: int
    trainee: str
    trainee_fingerprint: str
    couple_code: str
    title: str
    sent_at: datetime
    received_at: datetime
    comments: int
    coded_blocks: tuple[int, ...]
    cosigned_at: datetime | None


def _row(session: Session, review_id: int) -> models.ReviewReceived:
    row = session.get(models.ReviewReceived, review_id)
    if row is None:
        raise NotFoundError(f"There is no review with id {review_id} in this vault.")
    return row


def _trainee(row: models.ReviewReceived) -> Card:
    return Card(
        row.trainee_name,
        Role(row.trainee_role),
        bytes(row.trainee_sealing_key),
        bytes(row.trainee_signing_key),
    )


def _sender_trusted(session: Session, sender: Card, confirm: Confirm) -> bool:
    """Whether the sender's card is known, or confirmed now; refuse a known name with other keys."""
    if card_by_fingerprint(session, sender.fingerprint) is not None:
        return True
    for stored in cards_in(session):
        if stored.card.name == sender.name:
            raise InputError(
                "The package is signed by a different key than the card you hold for its "
                "sender; nothing was stored."
            )
    if not confirm(sender):
        raise InputError("The sender's card was not confirmed; nothing was stored.")
    return False


def open_review(
    vault: Vault,
    opened: OpenedPackage,
    *,
    confirm: Confirm,
    actor: str,
    clock: Clock = system_clock,
) -> int:
    """Store a trainee's opened review package (read-only) and return the review's id.

    Raises:
        InputError: Contents that do not match their hashes, a sender not
            confirmed or posing as a known card, or a package opened before.
    """
    try:
        content = parse_review_payload(opened.payload)
    except PackageError as error:
        raise InputError(str(error)) from None
    now = clock()
    with vault.session() as session:
        existing = session.scalar(
            select(models.ReviewReceived.id).where(
                models.ReviewReceived.package_id == content.package_id
            )
        )
        if existing is not None:
            raise InputError(f"This review package was already opened (review {existing}).")
        known = _sender_trusted(session, opened.sender, confirm)
    try:
        review_id = _store_review(vault, opened, content, known, now, actor)
    except IntegrityError:  # another process opened the same package meanwhile
        raise InputError("This review package was already opened.") from None
    log.info("opened review %d: %d blocks", review_id, len(content.states))
    return review_id


def _store_review(
    vault: Vault,
    opened: OpenedPackage,
    content: ReviewContent,
    known: bool,
    now: datetime,
    actor: str,
) -> int:
    with vault.write_session() as session:
        if not known:
            add_card_in(session, opened.sender, now, actor)
        row = _received_row(opened, content, now)
        session.add(row)
        session.flush()
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.REVIEW_OPENED,
            detail={"review": row.id, "blocks": len(content.states)},
        )
        return row.id


def _received_row(
    opened: OpenedPackage, content: ReviewContent, now: datetime
) -> models.ReviewReceived:
    sender = opened.sender
    return models.ReviewReceived(
        package_id=content.package_id,
        file_digest=opened.digest,
        trainee_name=sender.name,
        trainee_role=sender.role.value,
        trainee_sealing_key=sender.sealing_key,
        trainee_signing_key=sender.signing_key,
        sent_at=content.created_at,
        received_at=now,
        couple_code=content.intensive.couple.code,
        title=content.intensive.title,
        digest=content.digest,
        payload_json=json.dumps(dict(opened.payload), ensure_ascii=False),
    )


def list_reviews(vault: Vault) -> list[ReviewListing]:
    """Every review received, newest first, with what the supervisor added so far."""
    with vault.session() as session:
        comments = dict(
            session.execute(
                select(models.ReviewComment.review_id, func.count()).group_by(
                    models.ReviewComment.review_id
                )
            ).all()
        )
        coded: dict[int, set[int]] = defaultdict(set)
        for review_id, block in session.execute(
            select(models.ReviewObservation.review_id, models.ReviewObservation.block).distinct()
        ):
            coded[review_id].add(block)
        signed = dict(
            session.execute(
                select(models.ReviewCosignature.review_id, models.ReviewCosignature.signed_at)
            ).all()
        )
        rows = session.scalars(
            select(models.ReviewReceived).order_by(models.ReviewReceived.id.desc())
        )
        return [
            ReviewListing(
                r.id,
                r.trainee_name,
                _trainee(r).fingerprint,
                r.couple_code,
                r.title,
                r.sent_at,
                r.received_at,
                comments.get(r.id, 0),
                tuple(sorted(coded[r.id])),
                signed.get(r.id),
            )
            for r in rows
        ]


def _content(row: models.ReviewReceived) -> ReviewContent:
    return parse_review_payload(json.loads(row.payload_json))


def _blocks(session: Session, review_id: int) -> tuple[Block, ...]:
    """The review's blocks in position order, without their observations.

    A comment or a key of the supervisor's pad needs only the blocks' times
    (to check a position and an observation's window), not the trainee's
    5,000 observations validated again: the payload was checked whole when
    the package was opened, and its row cannot change since.
    """
    document = json.loads(_row(session, review_id).payload_json)["intensive"]
    for day in document["intensive"]["days"]:
        for block in day["blocks"]:
            block["observations"] = []
    return numbered_blocks(parse_intensive(document))


def review_intensive(vault: Vault, review_id: int) -> Intensive:
    """The review's intensive, de-identified, as the trainee sent it: read-only."""
    with vault.session() as session:
        return _content(_row(session, review_id)).intensive


def review_trainee(vault: Vault, review_id: int) -> Card:
    """The card of the trainee who sent the review."""
    with vault.session() as session:
        return _trainee(_row(session, review_id))


# ---------------------------------------------------------------------------- comments


def _block_count(session: Session, review_id: int) -> int:
    return len(_blocks(session, review_id))


def _check_position(block: int | None, count: int) -> None:
    if block is not None and not 1 <= block <= count:
        raise InputError(f"Block {block} is not in this intensive (it has blocks 1 to {count}).")


def add_comment(
    vault: Vault,
    review_id: int,
    block: int | None,
    text: str,
    *,
    actor: str,
    clock: Clock = system_clock,
) -> int:
    """Add a comment on one block position (or on the intensive, block None); its id."""
    problem = text_problem(text)
    if problem or is_blank(text):
        raise InputError(f"The comment {problem or 'is empty'}.")
    if len(text) > MAX_COMMENT_LENGTH:
        raise InputError(f"A comment may hold at most {MAX_COMMENT_LENGTH} characters.")
    now = clock()
    with vault.write_session() as session:
        _check_position(block, _block_count(session, review_id))
        row = models.ReviewComment(review_id=review_id, block=block, text=text, written_at=now)
        session.add(row)
        session.flush()
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.REVIEW_COMMENTED,
            detail={"review": review_id, "block": block},
        )
        return row.id


def remove_comment(vault: Vault, comment_id: int) -> None:
    """Remove a comment that has not gone back yet (it is the supervisor's draft until returned)."""
    with vault.write_session() as session:
        row = session.get(models.ReviewComment, comment_id)
        if row is None:
            raise NotFoundError(f"There is no comment with id {comment_id}.")
        session.delete(row)


def review_comments(vault: Vault, review_id: int) -> tuple[ReviewComment, ...]:
    """The supervisor's comments on a review, in the order written."""
    with vault.session() as session:
        _row(session, review_id)
        rows = session.scalars(
            select(models.ReviewComment)
            .where(models.ReviewComment.review_id == review_id)
            .order_by(models.ReviewComment.id)
        )
        return tuple(ReviewComment(r.block, r.text, r.written_at) for r in rows)


# ---------------------------------------------------------------------------- the coding layer


def _observation_row(
    review_id: int, block: int, observation: Observation
) -> models.ReviewObservation:
    return models.ReviewObservation(
        review_id=review_id,
        block=block,
        document_json=json.dumps(observation_document(observation), ensure_ascii=False),
        at_utc=utc_key(observation.at),
    )


def _checked(session: Session, review_id: int, block: int, observation: Observation) -> Observation:
    """The observation as the block's window allows it (the import's own rule)."""
    blocks = _blocks(session, review_id)
    _check_position(block, len(blocks))
    try:
        return parse_block_observation(
            observation_document(observation), f"block {block}", blocks[block - 1]
        )
    except FormatError as error:
        raise InputError(f"{error}.") from None


def add_layer_observation(
    vault: Vault,
    review_id: int,
    block: int,
    observation: Observation,
    *,
    actor: str,
    clock: Clock = system_clock,
) -> int:
    """Add one observation to the supervisor's layer (the pad, live); its id for edits."""
    with vault.write_session() as session:
        checked = _checked(session, review_id, block, observation)
        row = _observation_row(review_id, block, checked)
        session.add(row)
        session.flush()
        return row.id


def remove_layer_observation(vault: Vault, observation_id: int) -> None:
    """Remove one observation of the supervisor's layer."""
    with vault.write_session() as session:
        row = session.get(models.ReviewObservation, observation_id)
        if row is None:
            raise NotFoundError(f"There is no coded observation with id {observation_id}.")
        session.delete(row)


def set_block_layer(
    vault: Vault,
    review_id: int,
    block: int,
    observations: Sequence[Observation],
    *,
    actor: str,
    clock: Clock = system_clock,
) -> None:
    """Replace the supervisor's layer on one block position (editing, or a whole recoding)."""
    _replace_layers(vault, review_id, {block: observations}, actor=actor, clock=clock)


def _replace_layers(
    vault: Vault,
    review_id: int,
    layers: Mapping[int, Sequence[Observation]],
    *,
    actor: str,
    clock: Clock,
) -> None:
    now = clock()
    with vault.write_session() as session:
        checked = {
            block: [_checked(session, review_id, block, o) for o in observations]
            for block, observations in layers.items()
        }
        for block, observations in checked.items():
            session.execute(
                delete(models.ReviewObservation).where(
                    models.ReviewObservation.review_id == review_id,
                    models.ReviewObservation.block == block,
                )
            )
            session.add_all(_observation_row(review_id, block, o) for o in observations)
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.REVIEW_CODED,
            detail={
                "review": review_id,
                "blocks": len(checked),
                "observations": sum(len(v) for v in checked.values()),
            },
        )


def parse_coding(data: bytes, blocks_in: int | None = None) -> list[tuple[int, Any]]:
    """The (block, observation document) pairs of an import-coding file, shape-checked.

    The file is a JSON list of observations in the exchange format's shape,
    each with ``"block": N`` (1-based position, Day 1's blocks first).
    """
    if len(data) > MAX_CODING_BYTES:
        raise InputError("The coding file is larger than 64 MB.")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise InputError("The coding file is not a JSON list of observations.") from None
    if not isinstance(document, list):
        raise InputError("The coding file is not a JSON list of observations.")
    pairs = []
    for index, item in enumerate(document):
        if not isinstance(item, dict):
            raise InputError(f"[{index}]: expected an observation object.")
        block = item.get("block")
        if not isinstance(block, int) or isinstance(block, bool) or block < 1:
            raise InputError(f"[{index}].block: must be a block position (1, 2, ...).")
        if blocks_in is not None:
            _check_position(block, blocks_in)
        pairs.append((block, {k: v for k, v in item.items() if k != "block"}))
    return pairs


def import_coding(
    vault: Vault, review_id: int, data: bytes, *, actor: str, clock: Clock = system_clock
) -> dict[int, int]:
    """Replace the layer of every block the file names with the file's observations.

    All or nothing: every observation is checked against its block first.
    Returns the number of observations per block position.
    """
    intensive = review_intensive(vault, review_id)
    blocks = numbered_blocks(intensive)
    layers: dict[int, list[Observation]] = defaultdict(list)
    for index, (block, raw) in enumerate(parse_coding(data, len(blocks))):
        try:
            layers[block].append(parse_block_observation(raw, f"[{index}]", blocks[block - 1]))
        except FormatError as error:
            raise InputError(f"{error}.") from None
    _replace_layers(vault, review_id, layers, actor=actor, clock=clock)
    return {block: len(items) for block, items in sorted(layers.items())}


def supervisor_layer(vault: Vault, review_id: int) -> dict[int, tuple[Observation, ...]]:
    """The supervisor's observations per block position, in time order, with their ids."""
    with vault.session() as session:
        blocks = _blocks(session, review_id)
        rows = session.execute(
            select(
                models.ReviewObservation.id,
                models.ReviewObservation.block,
                models.ReviewObservation.document_json,
            )
            .where(models.ReviewObservation.review_id == review_id)
            .order_by(models.ReviewObservation.at_utc, models.ReviewObservation.id)
        ).all()
    layer: dict[int, list[Observation]] = defaultdict(list)
    for observation_id, block, document in rows:
        parsed = parse_block_observation(json.loads(document), "", blocks[block - 1])
        layer[block].append(_with_id(parsed, observation_id))
    return {block: tuple(items) for block, items in sorted(layer.items())}


def _with_id(observation: Observation, observation_id: int) -> Observation:
    return replace(observation, id=observation_id)


def agreement(vault: Vault, review_id: int) -> ReviewAgreement:
    """The trainee's layer against the supervisor's, per coded block and overall."""
    return review_agreement(review_intensive(vault, review_id), supervisor_layer(vault, review_id))


# ---------------------------------------------------------------------------- co-sign and return


def cosignature(vault: Vault, review_id: int) -> CoSignature | None:
    """The supervisor's co-signature of the review, if given."""
    with vault.session() as session:
        _row(session, review_id)
        row = session.get(models.ReviewCosignature, review_id)
        if row is None:
            return None
        signed_at, digest, signature = row.signed_at, row.covered_digest, bytes(row.signature)
    card = own_card(vault, actor="crucible")
    return CoSignature(card.name, card.fingerprint, signed_at, digest, signature)


def cosign(vault: Vault, review_id: int, *, actor: str, clock: Clock = system_clock) -> CoSignature:
    """Co-sign: an Ed25519 signature over the hashes of the notes and observations reviewed."""
    card = own_card(vault, actor=actor, clock=clock)
    now = clock()
    with vault.write_session() as session:
        row = _row(session, review_id)
        if session.get(models.ReviewCosignature, review_id) is not None:
            raise InputError(f"Review {review_id} is already co-signed.")
        keys = keys_in(session, now, actor)
        signature = keys.sign(cosign_message(row.digest, now))
        session.add(
            models.ReviewCosignature(
                review_id=review_id, signed_at=now, covered_digest=row.digest, signature=signature
            )
        )
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.REVIEW_COSIGNED,
            detail={"review": review_id},
        )
    return CoSignature(card.name, card.fingerprint, now, row.digest, signature)


def return_review(
    vault: Vault, review_id: int, path: Path, *, actor: str, clock: Clock = system_clock
) -> Path:
    """Write the return package: comments, coding layer and co-signature, sealed to the trainee."""
    refuse_inside_vault(vault.folder, path)
    sender = own_card(vault, actor=actor, clock=clock)
    with vault.session() as session:
        row = _row(session, review_id)
        trainee, answers, digest = _trainee(row), row.package_id, row.digest
    comments = review_comments(vault, review_id)
    layer = supervisor_layer(vault, review_id)
    signed = cosignature(vault, review_id)
    now = clock()
    payload = return_payload(uuid.uuid4().hex, answers, digest, now, comments, layer, signed)
    with vault.write_session() as session:
        data = seal_package(payload, keys_in(session, now, actor), sender, trainee)
        append_event(
            session,
            at=now,
            actor=actor,
            action=AuditAction.REVIEW_RETURNED,
            detail={"review": review_id, "comments": len(comments), "cosigned": signed is not None},
        )
        write_user_file(path, data)
    return path


__all__ = [
    "Confirm",
    "ReviewListing",
    "add_comment",
    "add_layer_observation",
    "agreement",
    "cosign",
    "cosignature",
    "import_coding",
    "list_reviews",
    "open_review",
    "parse_coding",
    "remove_comment",
    "remove_layer_observation",
    "return_review",
    "review_comments",
    "review_intensive",
    "review_trainee",
    "set_block_layer",
    "supervisor_layer",
]

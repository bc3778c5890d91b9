"""What a review package says, inside its seal: the review going out, the return coming back.

The seal and the signature are :mod:`app.domain.review_package`'s; this
module writes and checks the JSON payload within (docs/review-format.md).

**What was reviewed** is pinned by per-block hashes (:class:`BlockState`):
the trainee's signed-note hash, a hash of the note's sections as sent, of
its addenda and of its observations. The digest over them all
(:func:`reviewed_digest`) is what the supervisor's co-signature covers and
what the return package answers; the trainee's vault compares it with the
intensive as it is now, so an addendum written after sending is flagged
rather than silently covered by a signature that never saw it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import zip_longest
from typing import Any, Final

from crucible.app.domain.exchange import (
    FormatError,
    intensive_to_document,
    observation_document,
    parse_block_observation,
    parse_intensive,
)
from crucible.app.domain.intensive import Block, Intensive, Observation
from crucible.app.domain.review import CoSignature, ReviewComment, numbered_blocks
from crucible.app.domain.review_package import PackageError
from crucible.app.domain.text_rules import text_problem
from crucible.app.domain.vocabulary import BlockKind

PAYLOAD_FORMAT: Final[str] = "crucible.review-payload/1"
REVIEW_KIND: Final[str] = "review"
RETURN_KIND: Final[str] = "return"
MAX_COMMENT_LENGTH: Final[int] = 20_000
MAX_COMMENTS: Final[int] = 10_000
_COSIGN_CONTEXT: Final[bytes] = b"crucible-cosignature-v1\x00"


def _hash(value: object) -> str:
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class BlockState:
    """One block as it was reviewed, by hashes only (no text)."""

    position: int
    signed_hash: str | None
    sections_hash: str
    addenda: int
    addenda_hash: str
    observations_hash: str

    def as_list(self) -> list[object]:
        """The state as the payload and the vault store it."""
        return [
            self.position,
            self.signed_hash,
            self.sections_hash,
            self.addenda,
            self.addenda_hash,
            self.observations_hash,
        ]

    @classmethod
    def from_list(cls, raw: object) -> BlockState:
        """A state back from :meth:`as_list`; PackageError if it is not one."""
        if not (isinstance(raw, list) and len(raw) == 6):
            raise PackageError("The package's block hashes are not readable.")
        position, signed, sections, addenda, addenda_hash, observations = raw
        if not (
            isinstance(position, int)
            and isinstance(addenda, int)
            and (signed is None or isinstance(signed, str))
            and all(isinstance(h, str) for h in (sections, addenda_hash, observations))
        ):
            raise PackageError("The package's block hashes are not readable.")
        return cls(position, signed, sections, addenda, addenda_hash, observations)


def block_states(intensive: Intensive) -> tuple[BlockState, ...]:
    """The hashes of every block of a (de-identified) intensive, in position order.

    ``signed_hash`` is the hash the vault recorded when the note was signed
    (``BlockNote.content_hash``), carried as is: it vouches for the
    identified text the supervisor never sees.
    """
    return _document_states(intensive_to_document(intensive), _signed_hashes(intensive))


def _signed_hashes(intensive: Intensive) -> list[str | None]:
    return [b.note.content_hash if b.note.is_signed else None for b in numbered_blocks(intensive)]


def _document_states(
    document: Mapping[str, Any], signed: Sequence[str | None]
) -> tuple[BlockState, ...]:
    """The block hashes of an exchange document (as written, or as a package carried it).

    Hashing the document itself, rather than writing it again from the
    parsed intensive, costs one pass; and since the parsed intensive is a
    function of the document, the hashes pin what the supervisor sees too.
    """
    states = []
    blocks = [block for day in document["intensive"]["days"] for block in day["blocks"]]
    for position, (block, signed_hash) in enumerate(zip(blocks, signed, strict=True), start=1):
        note = block.get("note") or {}
        addenda = note.get("addenda", [])
        states.append(
            BlockState(
                position=position,
                signed_hash=signed_hash,
                sections_hash=_hash(note.get("sections", [])),
                addenda=len(addenda),
                addenda_hash=_hash(addenda),
                observations_hash=_hash(block.get("observations", [])),
            )
        )
    return tuple(states)


def reviewed_digest(states: Sequence[BlockState]) -> str:
    """Hex SHA-256 over every block's hashes: what a co-signature covers."""
    return _hash([state.as_list() for state in states])


def changed_blocks(sent: Sequence[BlockState], now: Sequence[BlockState]) -> tuple[int, ...]:
    """Positions whose note, addenda or observations differ from what was sent.

    A block added or removed since shifts the positions after it, so those
    count as changed too: the co-signature does not cover them as they are.
    """
    changed = []
    for position, (before, after) in enumerate(zip_longest(sent, now), start=1):
        if before != after:
            changed.append(position)
    return tuple(changed)


def cosign_message(covered_digest: str, signed_at: datetime) -> bytes:
    """The bytes a co-signature signs: the reviewed digest and the time, with a fixed context."""
    return _COSIGN_CONTEXT + f"{covered_digest}\x00{signed_at.isoformat()}".encode()


# ---------------------------------------------------------------------------- the review


@dataclass(frozen=True, slots=True)
class ReviewContent:
    """A review package's payload once checked: the de-identified intensive and its hashes."""

    package_id: str
    created_at: datetime
    intensive: Intensive
    states: tuple[BlockState, ...]
    digest: str


def review_payload(
    package_id: str, created_at: datetime, deidentified: Intensive
) -> dict[str, Any]:
    """The payload of a review package (the sender's card is added by the seal)."""
    document = intensive_to_document(deidentified)
    states = _document_states(document, _signed_hashes(deidentified))
    return {
        "format": PAYLOAD_FORMAT,
        "kind": REVIEW_KIND,
        "package_id": package_id,
        "created_at": created_at.isoformat(),
        "intensive": document,
        "blocks": [state.as_list() for state in states],
        "digest": reviewed_digest(states),
    }


def _common(payload: Mapping[str, Any], kind: str) -> tuple[str, datetime]:
    if payload.get("format") != PAYLOAD_FORMAT:
        raise PackageError("The package's content is in a format this build does not read.")
    if payload.get("kind") != kind:
        raise PackageError(f"The package is not a {kind} package.")
    package_id = payload.get("package_id")
    if not isinstance(package_id, str) or not 8 <= len(package_id) <= 64:
        raise PackageError("The package has no valid id.")
    return package_id, _time(payload.get("created_at"), "creation time")


def _time(raw: object, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PackageError(f"The package's {what} is not a time with its UTC offset.")
    return moment


def parse_review_payload(payload: Mapping[str, Any]) -> ReviewContent:
    """Check a review payload: the intensive in the exchange format, and hashes that match it."""
    package_id, created_at = _common(payload, REVIEW_KIND)
    try:
        intensive = parse_intensive(payload.get("intensive"))
    except FormatError as error:
        raise PackageError(f"The package's intensive is not valid: {error}.") from None
    raw_states = payload.get("blocks")
    if not isinstance(raw_states, list):
        raise PackageError("The package's block hashes are not readable.")
    given = tuple(BlockState.from_list(raw) for raw in raw_states)
    blocks = numbered_blocks(intensive)
    if len(given) != len(blocks) or [g.position for g in given] != list(range(1, len(blocks) + 1)):
        raise PackageError("The package's contents do not match its own hashes.")
    # The carried signed-note hashes (of text the supervisor never sees), then the rest recomputed.
    signed = [
        g.signed_hash if b.note.is_signed else None for g, b in zip(given, blocks, strict=True)
    ]
    computed = _document_states(payload["intensive"], signed)
    digest = reviewed_digest(computed)
    if computed != given or payload.get("digest") != digest:
        raise PackageError("The package's contents do not match its own hashes.")
    return ReviewContent(package_id, created_at, intensive, computed, digest)


# ---------------------------------------------------------------------------- the return


@dataclass(frozen=True, slots=True)
class ReturnContent:
    """A return package's payload once checked against the intensive it answers."""

    package_id: str
    answers: str
    answers_digest: str
    returned_at: datetime
    comments: tuple[ReviewComment, ...]
    layer: Mapping[int, tuple[Observation, ...]]
    cosignature: CoSignature | None


def return_payload(
    package_id: str,
    answers: str,
    answers_digest: str,
    returned_at: datetime,
    comments: Sequence[ReviewComment],
    layer: Mapping[int, Sequence[Observation]],
    cosignature: CoSignature | None,
) -> dict[str, Any]:
    """The payload of a return package (the supervisor's card is added by the seal)."""
    return {
        "format": PAYLOAD_FORMAT,
        "kind": RETURN_KIND,
        "package_id": package_id,
        "created_at": returned_at.isoformat(),
        "answers": answers,
        "answers_digest": answers_digest,
        "comments": [
            {"block": c.block, "text": c.text, "written_at": c.written_at.isoformat()}
            for c in comments
        ],
        "layer": {
            str(position): [observation_document(o) for o in observations]
            for position, observations in sorted(layer.items())
        },
        "cosignature": None
        if cosignature is None
        else {
            "signer": cosignature.signer,
            "fingerprint": cosignature.fingerprint,
            "signed_at": cosignature.signed_at.isoformat(),
            "covered_digest": cosignature.covered_digest,
            "signature": cosignature.signature.hex(),
        },
    }


def return_answers(payload: Mapping[str, Any]) -> tuple[str, str]:
    """The review package id and digest a return payload answers (checked by the caller)."""
    answers, digest = payload.get("answers"), payload.get("answers_digest")
    if not isinstance(answers, str) or not isinstance(digest, str):
        raise PackageError("The return package does not say which review it answers.")
    return answers, digest


def parse_return_payload(
    payload: Mapping[str, Any], reviewed: Intensive, *, stored: bool = False
) -> ReturnContent:
    """Check a return payload against the (de-identified) intensive that was sent.

    The co-signature's own Ed25519 signature is checked by the caller,
    which knows the supervisor's card. ``stored`` reads a return that was
    checked when it was opened: the intensive may have changed since (a
    block moved or removed), so positions and times are no longer held to
    today's blocks; :func:`changed_blocks` is what flags such changes.
    """
    package_id, returned_at = _common(payload, RETURN_KIND)
    answers, digest = return_answers(payload)
    blocks: Sequence[Block | None] = numbered_blocks(reviewed)
    if stored:
        blocks = [None] * _STORED_POSITIONS
    comments = _comments(payload.get("comments"), len(blocks))
    layer = _layer(payload.get("layer"), blocks)
    return ReturnContent(
        package_id,
        answers,
        digest,
        returned_at,
        comments,
        layer,
        _cosignature(payload.get("cosignature")),
    )


def _position(raw: object, count: int, what: str) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= count:
        raise PackageError(f"The package's {what} names a block this intensive does not have.")
    return raw


def _comments(raw: object, count: int) -> tuple[ReviewComment, ...]:
    if not isinstance(raw, list) or len(raw) > MAX_COMMENTS:
        raise PackageError("The package's comments are not readable.")
    comments = []
    for item in raw:
        if not isinstance(item, dict):
            raise PackageError("The package's comments are not readable.")
        block = item.get("block")
        position = None if block is None else _position(block, count, "comment")
        text = item.get("text")
        if not isinstance(text, str) or len(text) > MAX_COMMENT_LENGTH or text_problem(text):
            raise PackageError("A comment in the package is not readable text.")
        comments.append(
            ReviewComment(position, text, _time(item.get("written_at"), "comment time"))
        )
    return tuple(comments)


_STORED_POSITIONS: Final[int] = 10_000


def _observation_in(item: object, path: str, block: Block | None) -> Observation:
    """One layer observation, held to its block's times (or, stored, to its own time)."""
    if block is None:
        at = item.get("at") if isinstance(item, dict) else None
        try:
            start = datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            start = None
        if start is None or start.tzinfo is None:
            raise PackageError("The package's coding layer is not readable.")
        block = Block("", BlockKind.OTHER, start, None)
    return parse_block_observation(item, path, block)


def _layer(raw: object, blocks: Sequence[Block | None]) -> dict[int, tuple[Observation, ...]]:
    if not isinstance(raw, dict):
        raise PackageError("The package's coding layer is not readable.")
    layer: dict[int, tuple[Observation, ...]] = {}
    for key, items in raw.items():
        number = int(key) if key.isascii() and key.isdigit() else None
        position = _position(number, len(blocks), "coding")
        if not isinstance(items, list):
            raise PackageError("The package's coding layer is not readable.")
        try:
            layer[position] = tuple(
                sorted(
                    (
                        _observation_in(item, f"block {position}[{i}]", blocks[position - 1])
                        for i, item in enumerate(items)
                    ),
                    key=lambda o: o.at,
                )
            )
        except FormatError as error:
            raise PackageError(f"The package's coding layer is not valid: {error}.") from None
    return layer


def _cosignature(raw: object) -> CoSignature | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise PackageError("The package's co-signature is not readable.")
    signer, fingerprint, digest, signature = (
        raw.get(k) for k in ("signer", "fingerprint", "covered_digest", "signature")
    )
    if not all(isinstance(v, str) for v in (signer, fingerprint, digest, signature)):
        raise PackageError("The package's co-signature is not readable.")
    assert isinstance(signature, str)
    assert isinstance(signer, str)
    assert isinstance(fingerprint, str)
    assert isinstance(digest, str)
    try:
        raw_signature = bytes.fromhex(signature)
    except ValueError:
        raise PackageError("The package's co-signature is not readable.") from None
    return CoSignature(
        signer, fingerprint, _time(raw.get("signed_at"), "co-signature time"), digest, raw_signature
    )


__all__ = [
    "PAYLOAD_FORMAT",
    "RETURN_KIND",
    "REVIEW_KIND",
    "BlockState",
    "ReturnContent",
    "ReviewContent",
    "block_states",
    "changed_blocks",
    "cosign_message",
    "parse_return_payload",
    "parse_review_payload",
    "return_answers",
    "return_payload",
    "review_payload",
    "reviewed_digest",
]

"""A supervisor's review of an intensive, made by hand, for the report and UI tests.

The supervisor's layer is the trainee's observations of two blocks, moved a
few seconds, with some stances changed, one dropped and one added: what a
second coder watching the recording leaves. Built from the intensive given,
so its positions and times are the intensive's own.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from crucible.app.domain.intensive import Intensive, Observation
from crucible.app.domain.review import (
    Card,
    CoSignature,
    IntensiveReview,
    ReviewComment,
    numbered_blocks,
)
from crucible.app.domain.vocabulary import Role, Stance

SUPERVISOR = Card("Dr. Sam Lee, PhD", Role.SUPERVISOR, bytes(range(32)), bytes(range(32, 64)))
SIGNED_AT = datetime(2026, 12, 1, 16, 45, tzinfo=UTC)
INTENSIVE_COMMENT = "A careful first intensive: the grid work on Day 2 was well paced."
BLOCK_COMMENT = "At 10:20 you logged one-down; I saw Partner A move one-up when interrupted."
_ROTATE = {
    Stance.ONE_UP: Stance.SAME_AS,
    Stance.SAME_AS: Stance.ONE_DOWN,
    Stance.ONE_DOWN: Stance.ONE_UP,
}


def second_coding(observations: tuple[Observation, ...], every: int = 6) -> tuple[Observation, ...]:
    """The observations moved 1-4 s, every ``every``-th stance changed, one dropped, one added."""
    out = []
    for index, o in enumerate(observations):
        if index == 3:
            continue
        stance = _ROTATE[o.stance] if index % every == 0 else o.stance
        out.append(replace(o, at=o.at + timedelta(seconds=1 + index % 4), stance=stance, id=None))
    if observations:
        last = observations[-1]
        out.append(replace(last, at=last.at + timedelta(seconds=45), id=None))
    return tuple(out)


def review_of(
    intensive: Intensive,
    coded: tuple[int, ...] = (1, 4),
    *,
    cosigned: bool = True,
    changed_after_review: tuple[int, ...] = (),
) -> IntensiveReview:
    """A returned review: comments on the intensive and on the first coded block, its coding."""
    blocks = numbered_blocks(intensive)
    layer = {p: second_coding(blocks[p - 1].observations) for p in coded}
    comments = (
        ReviewComment(None, INTENSIVE_COMMENT, SIGNED_AT),
        ReviewComment(coded[0] if coded else 1, BLOCK_COMMENT, SIGNED_AT),
    )
    cosignature = CoSignature(
        SUPERVISOR.name, SUPERVISOR.fingerprint, SIGNED_AT, "ab" * 32, bytes(64)
    )
    return IntensiveReview(
        supervisor=SUPERVISOR,
        comments=comments,
        supervisor_layer=layer,
        cosignature=cosignature if cosigned else None,
        returned_at=SIGNED_AT,
        changed_after_review=changed_after_review,
    )

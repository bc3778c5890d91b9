"""Flips: a partner bouncing between shame and grandiosity within seconds.

RLT watches for a partner who touches shame and bounces up into grandiosity
("from hurt to rage"), or who collapses from one-up to one-down. Whether those
flips slow down from Day 1 to Day 2 is one of the clearest signs of change,
so the rule is kept here once and shared by the figures and the timeline.

The rule: a partner's *next* observation of that same partner, in the same
block, moves from one-down to one-up (a flip up) or from one-up to one-down
(a flip down), at most ``flip_window_s`` seconds later (the bound is
inclusive). Observations of the other partner in between are ignored, because
the clinician logs both people in one stream; a same-as observation of the
same partner in between breaks the flip, because the partner did pass through
the healthy middle. Blocks never flip into each other: the time between them
is a break or another kind of session.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from crucible.app.domain.block_memo import BlockMemo
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.stance_time import chronological
from crucible.app.domain.vocabulary import PartnerKey, Stance

DEFAULT_FLIP_WINDOW_S: Final[int] = 120
"""Two minutes: long enough for "hurt, then rage" in one exchange, short enough to exclude drift."""


class FlipDirection(StrEnum):
    """Which way a flip went."""

    UP = "up"
    """One-down to one-up: shame into grandiosity."""
    DOWN = "down"
    """One-up to one-down: a collapse."""


_DIRECTIONS: Final = {
    (Stance.ONE_DOWN, Stance.ONE_UP): FlipDirection.UP,
    (Stance.ONE_UP, Stance.ONE_DOWN): FlipDirection.DOWN,
}


@dataclass(frozen=True, slots=True)
class Flip:
    """One flip, with the two observations it joins.

    Attributes:
        partner: Who flipped.
        direction: Up (shame to grandiosity) or down (collapse).
        before: The observation flipped from.
        after: The observation flipped to; the timeline marks this one.
        before_index: Position of ``before`` in its block's ``observations``.
        after_index: Position of ``after`` in its block's ``observations``;
            indices, not values, identify observations because two logged
            observations may be equal as values.
    """

    partner: PartnerKey
    direction: FlipDirection
    before: Observation
    after: Observation
    before_index: int
    after_index: int

    @property
    def seconds(self) -> float:
        """How many seconds the flip took."""
        return (self.after.at - self.before.at).total_seconds()


def check_flip_window(flip_window_s: int) -> None:
    """Refuse a negative window, which could only ever be a caller's mistake.

    Raises:
        ValueError: If ``flip_window_s`` is negative.
    """
    if flip_window_s < 0:
        raise ValueError(f"flip window must be zero or more seconds, not {flip_window_s}")


def find_flips(
    block: Block,
    flip_window_s: int = DEFAULT_FLIP_WINDOW_S,
    partner: PartnerKey | None = None,
) -> tuple[Flip, ...]:
    """Return the flips in one block, in time order.

    Args:
        block: The block to search; only its own observations are considered.
        flip_window_s: The most seconds a flip may take (inclusive).
        partner: Only this partner's flips, or both partners' when None.

    Returns:
        The flips, ordered by the time of their ``after`` observation.

    Raises:
        ValueError: If ``flip_window_s`` is negative.
    """
    check_flip_window(flip_window_s)
    memo = _FLIPS.get((flip_window_s, partner))
    if memo is None:  # one memo per window and partner asked for: a handful per session
        memo = _FLIPS[(flip_window_s, partner)] = BlockMemo(
            functools.partial(_find_flips, flip_window_s=flip_window_s, partner=partner)
        )
    return memo(block)


_FLIPS: dict[tuple[int, PartnerKey | None], BlockMemo[Block, tuple[Flip, ...]]] = {}
"""Flips per block object (:mod:`app.domain.block_memo`): the summary, the timeline and the
figures ask for the same block's flips several times per open."""


def _find_flips(
    block: Block, *, flip_window_s: int, partner: PartnerKey | None
) -> tuple[Flip, ...]:
    observations = block.observations
    moments = (
        (index, obs.partner, obs.stance, obs.at)
        for index, obs in chronological(block)
        if partner is None or obs.partner == partner
    )
    flips = [
        Flip(key, direction, observations[before], observations[after], before, after)
        for key, direction, before, after in flip_steps(moments, flip_window_s)
    ]
    flips.sort(key=lambda flip: (flip.after.at, flip.after_index))
    return tuple(flips)


FlipStep = tuple[PartnerKey, FlipDirection, int, int]
"""One flip on plain values: who, which way, and the positions it joins (before, after)."""


def flip_steps(
    moments: Iterable[tuple[int, PartnerKey, Stance, datetime]], flip_window_s: int
) -> list[FlipStep]:
    """The flip rule itself, on plain values, for callers that stream observations.

    ``moments`` are ``(position, partner, stance, at)`` in time order (ties
    in the order recorded). Each partner's moment is compared with that
    partner's previous one only: the other partner's in between are
    ignored, and a same-as in between is the previous one, which breaks
    the flip. :func:`find_flips` is this function on a block's observations.

    Returns:
        The flips as ``(partner, direction, before position, after position)``,
        in the order their ``after`` moments came.
    """
    last: dict[PartnerKey, tuple[int, Stance, datetime]] = {}
    steps: list[FlipStep] = []
    for position, partner, stance, at in moments:
        previous = last.get(partner)
        if previous is not None:
            direction = _DIRECTIONS.get((previous[1], stance))
            if direction is not None and (at - previous[2]).total_seconds() <= flip_window_s:
                steps.append((partner, direction, previous[0], position))
        last[partner] = (position, stance, at)
    return steps


def count_flips(
    blocks: Iterable[Block], partner: PartnerKey, flip_window_s: int = DEFAULT_FLIP_WINDOW_S
) -> tuple[int, int]:
    """Return ``(flips_up, flips_down)`` for one partner over several blocks."""
    up = down = 0
    for block in blocks:
        for flip in find_flips(block, flip_window_s, partner):
            if flip.direction is FlipDirection.UP:
                up += 1
            else:
                down += 1
    return up, down

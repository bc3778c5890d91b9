"""When each partner held which stance, block by block.

The domain rule: a partner's stance holds from an observation of that partner
until their next observation or the end of the block, whichever comes first.
Time is never carried across blocks, because a break or an individual session
in between resets the room. "The end of the block" is the end of the span the
block actually ran, by the one rule in :func:`app.domain.block_span.effective_span`:
what the app recorded as it ran (else the plan), ending at the last
observation while it is still running, and covering every observation.

Everything here works on :class:`datetime.timedelta` so that sums are exact
(microseconds are integers): a day's minutes then add up to the intensive's
minutes without rounding drift, and callers convert to minutes once, at the end.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from crucible.app.domain.block_memo import BlockMemo
from crucible.app.domain.block_span import effective_span
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.slot_setters import slot_setters
from crucible.app.domain.vocabulary import PartnerKey, Stance

_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class StanceSpan:
    """A stretch of a block during which one partner held one stance.

    Attributes:
        partner: Whose stance it is.
        stance: The stance held.
        start: When the observation that set it was made.
        end: The partner's next observation or the block's end, whichever is first.
        observation_index: Position of the setting observation in
            ``block.observations``, so callers can find it again even when two
            observations are equal as values.
    """

    partner: PartnerKey
    stance: Stance
    start: datetime
    end: datetime
    observation_index: int

    @property
    def duration(self) -> timedelta:
        """How long the stance held; zero for an observation at the block's end."""
        return self.end - self.start


_SET_PARTNER, _SET_STANCE, _SET_START, _SET_END, _SET_INDEX = slot_setters(
    StanceSpan, ("partner", "stance", "start", "end", "observation_index")
)


def _span(
    partner: PartnerKey, stance: Stance, start: datetime, end: datetime, index: int
) -> StanceSpan:
    """``StanceSpan(...)`` in a third of its time: one is made per observation (issue 16)."""
    span = object.__new__(StanceSpan)
    _SET_PARTNER(span, partner)
    _SET_STANCE(span, stance)
    _SET_START(span, start)
    _SET_END(span, end)
    _SET_INDEX(span, index)
    return span


def block_duration(block: Block) -> timedelta:
    """Return how long the block ran, under the :func:`effective_span` rule (never negative)."""
    return effective_span(block).duration


def chronological(block: Block) -> tuple[tuple[int, Observation], ...]:
    """Return ``(index, observation)`` pairs in time order.

    The sort is stable, so observations logged at the same instant keep the
    order in which they were recorded: the later entry is the clinician's
    latest word and wins wherever "next" or "current" matters. Remembered
    per block object (:mod:`app.domain.block_memo`): opening a block asks
    for it dozens of times (spans, flips, the timeline, for each partner).
    """
    return _CHRONOLOGICAL(block)


def _chronological(block: Block) -> tuple[tuple[int, Observation], ...]:
    observations = block.observations
    # Logged data is almost always in order already; checking is cheaper than sorting.
    if all(a.at <= b.at for a, b in pairwise(observations)):
        return tuple(enumerate(observations))
    return tuple(sorted(enumerate(observations), key=lambda item: item[1].at))


def partner_chronological(block: Block, partner: PartnerKey) -> tuple[tuple[int, Observation], ...]:
    """Return one partner's ``(index, observation)`` pairs in time order (remembered, as above)."""
    return _PARTNER_CHRONOLOGICAL[partner](block)


def _partner_chronological(
    partner: PartnerKey,
) -> BlockMemo[Block, tuple[tuple[int, Observation], ...]]:
    return BlockMemo(
        lambda block: tuple(item for item in chronological(block) if item[1].partner == partner)
    )


_CHRONOLOGICAL: BlockMemo[Block, tuple[tuple[int, Observation], ...]] = BlockMemo(_chronological)
_PARTNER_CHRONOLOGICAL = {key: _partner_chronological(key) for key in PartnerKey}


def stance_spans(block: Block, partner: PartnerKey) -> tuple[StanceSpan, ...]:
    """Return the spans of one partner's stances in a block, in time order.

    Spans lie within the block's :func:`effective_span` (which covers every
    observation), so no partner ever has more time than the block ran.
    Spans never overlap and there is exactly one per observation.
    Remembered per block object (:mod:`app.domain.block_memo`): a summary
    asks for each block's spans by day and again for the whole intensive.
    """
    return _SPANS[partner](block)


def _stance_spans(block: Block, partner: PartnerKey) -> tuple[StanceSpan, ...]:
    span = effective_span(block)
    first, end = span.start, span.end
    own = partner_chronological(block, partner)
    spans: list[StanceSpan] = []
    for position, (index, observation) in enumerate(own):
        next_at = own[position + 1][1].at if position + 1 < len(own) else end
        at = observation.at
        # Clamped into the span: min(max(at, first), end), then max(min(next_at, end), start).
        # Written as comparisons because nearly every time lies inside already; each
        # branch returns the very object the min/max form would (ties keep the first).
        start = at if first <= at <= end else min(max(at, first), end)
        stop = next_at if start <= next_at <= end else max(min(next_at, end), start)
        spans.append(_span(partner, observation.stance, start, stop, index))
    return tuple(spans)


_SPANS = {key: BlockMemo(functools.partial(_stance_spans, partner=key)) for key in PartnerKey}


def stance_durations(blocks: Iterable[Block], partner: PartnerKey) -> dict[Stance, timedelta]:
    """Return, for every stance (zero included), how long the partner held it in the blocks."""
    totals = dict.fromkeys(Stance, _ZERO)
    for block in blocks:
        for span in stance_spans(block, partner):
            totals[span.stance] += span.duration
    return totals


def stance_at(spans: Iterable[StanceSpan], when: datetime) -> Stance | None:
    """Return the stance held at an instant, or None before the first span or after the last.

    A span covers ``start <= when < end``; a zero-length span (two observations
    at one instant) therefore never answers, and the later observation wins.
    """
    for span in spans:
        if span.start <= when < span.end:
            return span.stance
    return None

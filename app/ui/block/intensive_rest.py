"""The rest of the intensive, read and computed off the UI thread once the open block is painted.

Opening a block used to read the whole intensive (every block's
observations) and place every point before the first paint, so opening a
block of 1,000 observations took three times as long in an intensive of
5,000 as in one of 1,235. Now the block opens from an outline (only its
own observations, `BlockServices.intensive_outline`) and this job, on the
background read lane, reads the other blocks' observations and makes what
needs them: their timeline points and, per block and partner, the tallies
the day and intensive columns of the live summary add up. Pure: no Qt, only
frozen domain objects and ids cross the thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from crucible.app.domain.intensive import Intensive, Observation
from crucible.app.domain.vocabulary import PartnerKey
from crucible.app.ui.block.block_record import with_observations
from crucible.app.ui.block.figure_tally import Tally, block_tally
from crucible.app.ui.block.timeline_data import OpenBlock, OtherPoints, other_points

ReadObservations = Callable[[list[int]], Mapping[int, tuple[Observation, ...]]]


@dataclass(frozen=True, slots=True)
class IntensiveRest:
    """What the open block's outline lacked.

    Attributes:
        observations: The other blocks' observations, by block id.
        tallies: Each other block's tally per partner, by (block id, partner).
        points: The other blocks' timeline points and the days' extents.
    """

    observations: Mapping[int, tuple[Observation, ...]]
    tallies: Mapping[tuple[int, PartnerKey], Tally]
    points: OtherPoints


def read_rest(
    read: ReadObservations,
    outline: Intensive,
    block_id: int,
    place: OpenBlock,
    flip_window_s: int,
) -> IntensiveRest:
    """Read the other blocks' observations and compute their points and tallies (any thread)."""
    others = [
        block.id
        for day in outline.days
        for block in day.blocks
        if block.id is not None and block.id != block_id
    ]
    observations = dict(read(others)) if others else {}
    full = with_observations(outline, observations, block_id)
    tallies = {
        (block.id, key): block_tally(block, key, flip_window_s)
        for day in full.days
        for block in day.blocks
        if block.id is not None and block.id != block_id
        for key in PartnerKey
    }
    return IntensiveRest(observations, tallies, other_points(full, place, flip_window_s))

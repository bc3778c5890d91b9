"""The live summary's figures as per-block tallies that add up: no rescan of the intensive.

`partner_figures` (app.domain.figures) reads every observation of the blocks
it is given; the live summary used to call it for the whole day and the
whole intensive after every key, tens of milliseconds on the UI thread for
5,000 observations. Every figure it makes is a sum over blocks (counts,
intensities, tags, flips, which never cross blocks, stance time, which is
never carried across blocks, joint time) divided at the end, so each block
is tallied once per partner, the other blocks' tallies are kept while a
block is open, and a refresh re-tallies only the open block and adds.

`figures_of(sum of tallies)` equals `partner_figures(blocks)` exactly (sums
of integers and timedeltas, the same divisions at the end); the tests hold
the two together, so the live screen still says what the PDF will say. No
Qt: the tallies of other blocks are made on the background read lane.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import timedelta

from crucible.app.domain.block_tally import Tally, block_tally, total
from crucible.app.domain.figures import figures_of
from crucible.app.domain.flips import count_flips
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.stance_time import StanceSpan, block_duration
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy

__all__ = ["OpenBlockTally", "Tally", "block_tally", "figures_of", "total"]
"""The domain's tallies (app.domain.block_tally), and the open block's, kept by the delta."""

_STANCES = tuple(Stance)
_STRATEGIES = tuple(Strategy)
_BOUNDARIES = tuple(Boundary)
_ZERO = timedelta(0)


_STANCE_AT = {stance: index for index, stance in enumerate(_STANCES)}
_STRATEGY_AT = {strategy: index for index, strategy in enumerate(_STRATEGIES)}
_BOUNDARY_AT = {boundary: index for index, boundary in enumerate(_BOUNDARIES)}


class _Events:
    """One partner's sums over the open block that change by observation: counts, tags, flips."""

    def __init__(self) -> None:
        self.counts = [0] * len(_STANCES)
        self.sums = [0] * len(_STANCES)
        self.strategies = [0] * len(_STRATEGIES)
        self.boundaries = [0] * len(_BOUNDARIES)
        self.up = self.down = 0

    def add(self, observation: Observation, sign: int = 1) -> None:
        at = _STANCE_AT[observation.stance]
        self.counts[at] += sign
        self.sums[at] += sign * observation.intensity
        for strategy in observation.strategies:
            self.strategies[_STRATEGY_AT[strategy]] += sign
        if observation.boundary is not None:
            self.boundaries[_BOUNDARY_AT[observation.boundary]] += sign


class OpenBlockTally:
    """The open block's tallies, kept by the delta of each change: O(1) for a live key.

    Counts, intensities, tags and flips move with each observation; flips
    only between a partner's consecutive observations, so a partner's newest
    observation added or taken away changes one pair. Stance time is not
    kept here: it comes from the stance spans the timeline keeps current
    (`tally(key, spans, block)`), so both read one rule. Any other change (an
    edit that moves a time or a stance, a row deleted from the middle) asks
    for that partner to be recounted (`stale`), which the summary does off
    the key path.
    """

    def __init__(self, block: Block, flip_window_s: int) -> None:
        self.flip_window_s = flip_window_s
        self._block = block
        self._events = {key: self._count(block, key) for key in PartnerKey}
        self.stale: set[PartnerKey] = set()

    def _count(self, block: Block, key: PartnerKey) -> _Events:
        events = _Events()
        for observation in block.observations:
            if observation.partner == key:
                events.add(observation)
        events.up, events.down = count_flips((block,), key, self.flip_window_s)
        return events

    def recount(self, block: Block, key: PartnerKey) -> None:
        """Count one partner's observations again (after a change with no cheap delta)."""
        self._block = block
        self._events[key] = self._count(block, key)
        self.stale.discard(key)

    def _pair_flips(self, before: Observation | None, after: Observation) -> tuple[int, int]:
        if before is None:
            return 0, 0
        pair = dataclasses.replace(self._block, observations=(before, after))
        return count_flips((pair,), after.partner, self.flip_window_s)

    def newest_added(self, previous: Observation | None, new: Observation) -> None:
        """`new` is now its partner's newest observation; `previous` the one before it."""
        events = self._events[new.partner]
        events.add(new)
        up, down = self._pair_flips(previous, new)
        events.up, events.down = events.up + up, events.down + down

    def newest_removed(self, previous: Observation | None, removed: Observation) -> None:
        """`removed` was its partner's newest observation; `previous` is now."""
        events = self._events[removed.partner]
        events.add(removed, -1)
        up, down = self._pair_flips(previous, removed)
        events.up, events.down = events.up - up, events.down - down

    def refined(self, before: Observation, after: Observation) -> None:
        """Same time, partner and stance (intensity, tags, texts): the flips stay."""
        events = self._events[after.partner]
        events.add(before, -1)
        events.add(after)

    def tally(self, key: PartnerKey, spans: Iterable[StanceSpan], block: Block) -> Tally:
        """One partner's tally of the block as it stands, its stance time from `spans`."""
        events = self._events[key]
        durations = dict.fromkeys(_STANCES, _ZERO)
        for span in spans:
            durations[span.stance] += span.duration
        joint = block.kind is BlockKind.JOINT
        return Tally(
            counts=tuple(events.counts),
            intensity_sums=tuple(events.sums),
            strategies=tuple(events.strategies),
            boundaries=tuple(events.boundaries),
            flips_up=events.up,
            flips_down=events.down,
            durations=tuple(durations.values()),
            joint_time=block_duration(block) if joint else _ZERO,
            joint_flips=events.up + events.down if joint else 0,
            observed_in_joint=joint and sum(events.counts) > 0,
        )

"""One partner's sums over one block, remembered per block: what every figure adds up.

Every figure of :func:`app.domain.figures.partner_figures` is a sum over
blocks divided at the end: counts, intensities, tags, flips (which never
cross blocks), stance time (never carried across blocks) and joint time.
The summary asks for each day's figures and then the whole intensive's,
so summing each block's observations once per partner and adding the
sums does half the work of scanning every observation per scope, and
the sums are integers and timedeltas: exact, so the figures are the same
to the last bit whichever way they are added (issue 16).

`app.ui.block.figure_tally` keeps the same sums for the live summary's
open block (by deltas, per key); the two are held equal by tests.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from crucible.app.domain.block_memo import BlockMemo
from crucible.app.domain.flips import count_flips
from crucible.app.domain.intensive import Block
from crucible.app.domain.stance_time import block_duration, partner_chronological, stance_spans
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy

STANCES = tuple(Stance)
STRATEGIES = tuple(Strategy)
BOUNDARIES = tuple(Boundary)
_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class Tally:
    """One partner's raw sums over some blocks; tuples are in enum order."""

    counts: tuple[int, ...] = (0,) * len(STANCES)
    intensity_sums: tuple[int, ...] = (0,) * len(STANCES)
    strategies: tuple[int, ...] = (0,) * len(STRATEGIES)
    boundaries: tuple[int, ...] = (0,) * len(BOUNDARIES)
    flips_up: int = 0
    flips_down: int = 0
    durations: tuple[timedelta, ...] = (_ZERO,) * len(STANCES)
    joint_time: timedelta = _ZERO
    joint_flips: int = 0
    observed_in_joint: bool = False


def block_tally(block: Block, partner: PartnerKey, flip_window_s: int) -> Tally:
    """One partner's sums over one block (remembered per block object, partner and window).

    Raises:
        ValueError: If ``flip_window_s`` is negative.
    """
    memo = _TALLIES.get((partner, flip_window_s))
    if memo is None:  # one memo per partner and window asked for: a handful per session
        memo = _TALLIES[(partner, flip_window_s)] = BlockMemo(
            functools.partial(_block_tally, partner=partner, flip_window_s=flip_window_s)
        )
    return memo(block)


_TALLIES: dict[tuple[PartnerKey, int], BlockMemo[Block, Tally]] = {}


def _block_tally(block: Block, *, partner: PartnerKey, flip_window_s: int) -> Tally:
    counts = dict.fromkeys(STANCES, 0)
    sums = dict.fromkeys(STANCES, 0)
    strategies = dict.fromkeys(STRATEGIES, 0)
    boundaries = dict.fromkeys(BOUNDARIES, 0)
    for _index, observation in partner_chronological(block, partner):
        stance = observation.stance
        counts[stance] += 1
        sums[stance] += observation.intensity
        for strategy in observation.strategies:
            strategies[strategy] += 1
        if observation.boundary is not None:
            boundaries[observation.boundary] += 1
    up, down = count_flips((block,), partner, flip_window_s)
    durations = dict.fromkeys(STANCES, _ZERO)
    for span in stance_spans(block, partner):
        durations[span.stance] += span.end - span.start
    joint = block.kind is BlockKind.JOINT
    return Tally(
        counts=tuple(counts.values()),
        intensity_sums=tuple(sums.values()),
        strategies=tuple(strategies.values()),
        boundaries=tuple(boundaries.values()),
        flips_up=up,
        flips_down=down,
        durations=tuple(durations.values()),
        joint_time=block_duration(block) if joint else _ZERO,
        joint_flips=up + down if joint else 0,
        observed_in_joint=joint and sum(counts.values()) > 0,
    )


def total(tallies: Iterable[Tally]) -> Tally:
    """The sum of some tallies (the empty tally for none)."""
    counts = [0] * len(STANCES)
    sums = [0] * len(STANCES)
    strategies = [0] * len(STRATEGIES)
    boundaries = [0] * len(BOUNDARIES)
    durations = [_ZERO] * len(STANCES)
    up = down = joint_flips = 0
    joint_time = _ZERO
    observed_in_joint = False
    for tally in tallies:
        _add(counts, tally.counts)
        _add(sums, tally.intensity_sums)
        _add(strategies, tally.strategies)
        _add(boundaries, tally.boundaries)
        for at, duration in enumerate(tally.durations):
            durations[at] += duration
        up, down = up + tally.flips_up, down + tally.flips_down
        joint_time += tally.joint_time
        joint_flips += tally.joint_flips
        observed_in_joint = observed_in_joint or tally.observed_in_joint
    return Tally(
        counts=tuple(counts),
        intensity_sums=tuple(sums),
        strategies=tuple(strategies),
        boundaries=tuple(boundaries),
        flips_up=up,
        flips_down=down,
        durations=tuple(durations),
        joint_time=joint_time,
        joint_flips=joint_flips,
        observed_in_joint=observed_in_joint,
    )


def _add(into: list[int], values: tuple[int, ...]) -> None:
    for at, value in enumerate(values):
        into[at] += value

"""partner_figures by per-block sums gives what the scan of every observation gave (issue 16).

`_scanned` is partner_figures as it was before the sums (kept here
verbatim, the reference): one list of the partner's observations per
call, stance time from `stance_durations`, flips block by block.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.block_tally import Tally, block_tally, total
from crucible.app.domain.figures import PartnerFigures, figures_of, frozen_mapping, partner_figures
from crucible.app.domain.flips import count_flips
from crucible.app.domain.intensive import Block, Intensive
from crucible.app.domain.stance_time import block_duration, stance_durations
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy
from tests.domain.builders import intensives, load_intensive


def _minutes(duration: timedelta) -> float:
    return duration.total_seconds() / 60


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _scanned(blocks: Sequence[Block], partner: PartnerKey, flip_window_s: int) -> PartnerFigures:
    observations = [o for block in blocks for o in block.observations if o.partner == partner]
    total_ = len(observations)
    counts = dict.fromkeys(Stance, 0)
    intensities: dict[Stance, list[int]] = {stance: [] for stance in Stance}
    strategies = dict.fromkeys(Strategy, 0)
    boundaries = dict.fromkeys(Boundary, 0)
    for observation in observations:
        counts[observation.stance] += 1
        intensities[observation.stance].append(observation.intensity)
        for strategy in observation.strategies:
            strategies[strategy] += 1
        if observation.boundary is not None:
            boundaries[observation.boundary] += 1
    flips_up = flips_down = joint_flips = 0
    joint_time = timedelta(0)
    observed_in_joint = False
    for block in blocks:
        up, down = count_flips((block,), partner, flip_window_s)
        flips_up, flips_down = flips_up + up, flips_down + down
        if block.kind is BlockKind.JOINT:
            joint_flips += up + down
            joint_time += block_duration(block)
            observed_in_joint = observed_in_joint or any(
                o.partner == partner for o in block.observations
            )
    joint_minutes = _minutes(joint_time)
    rate_has_basis = joint_minutes > 0 and observed_in_joint
    durations = stance_durations(blocks, partner)
    covered = sum(durations.values(), timedelta(0))
    covered_seconds = covered.total_seconds()
    return PartnerFigures(
        observations=total_,
        counts=frozen_mapping(counts),
        shares=frozen_mapping({s: counts[s] / total_ if total_ else 0.0 for s in Stance}),
        flips_up=flips_up,
        flips_down=flips_down,
        stance_minutes=frozen_mapping({s: _minutes(d) for s, d in durations.items()}),
        stance_time_shares=frozen_mapping(
            {
                s: d.total_seconds() / covered_seconds if covered_seconds else 0.0
                for s, d in durations.items()
            }
        ),
        mean_intensity=_mean([o.intensity for o in observations]),
        mean_intensity_by_stance=frozen_mapping({s: _mean(intensities[s]) for s in Stance}),
        strategies=frozen_mapping(strategies),
        boundaries=frozen_mapping(boundaries),
        joint_minutes=joint_minutes,
        flips_per_hour=joint_flips / (joint_minutes / 60) if rate_has_basis else None,
        covered_minutes=_minutes(covered),
        joint_flips=joint_flips,
    )


def _scopes(intensive: Intensive) -> list[list[Block]]:
    blocks = [b for d in intensive.days for b in d.blocks]
    return [[b] for b in blocks] + [list(d.blocks) for d in intensive.days] + [blocks, []]


def _assert_same(intensive: Intensive, window: int) -> None:
    for blocks in _scopes(intensive):
        for key in PartnerKey:
            assert partner_figures(blocks, key, window) == _scanned(blocks, key, window)


@settings(max_examples=200, deadline=None)
@given(intensives(), st.sampled_from([0, 5, 60, 120, 3600]))
def test_the_sums_give_the_figures_of_the_scan(intensive: Intensive, window: int) -> None:
    """Every block, every day, the whole intensive and no block at all; any window."""
    _assert_same(intensive, window)


def test_the_sample_intensive_and_its_open_and_empty_blocks_agree() -> None:
    """A block still running (no recorded end), one with nothing logged, the real sample."""
    intensive = load_intensive()
    _assert_same(intensive, 120)
    block = intensive.days[-1].blocks[0]
    running = dataclasses.replace(block, actual_start=block.start, actual_end=None)
    empty = dataclasses.replace(block, observations=())
    for blocks in ([running], [empty], [running, empty]):
        for key in PartnerKey:
            assert partner_figures(blocks, key, 90) == _scanned(blocks, key, 90)


def test_a_block_is_tallied_once_and_the_empty_total_is_nothing() -> None:
    block = load_intensive().days[0].blocks[0]
    assert block_tally(block, PartnerKey.A, 120) is block_tally(block, PartnerKey.A, 120)
    assert block_tally(block, PartnerKey.A, 120) is not block_tally(block, PartnerKey.A, 60)
    assert total([]) == Tally()
    assert figures_of(Tally()) == _scanned([], PartnerKey.A, 120)


def test_a_negative_window_is_still_refused() -> None:
    block = load_intensive().days[0].blocks[0]
    with pytest.raises(ValueError, match="flip window"):
        partner_figures([block], PartnerKey.A, -1)

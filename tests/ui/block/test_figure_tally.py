"""Per-block tallies add up to what partner_figures says for a block, a day, the intensive."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from crucible.app.domain.analytics import partner_figures
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.ui.block.figure_tally import Tally, block_tally, figures_of, total
from tests.ui.block.conftest import Demo


@pytest.mark.parametrize("window", [0, 30, 90, 600])
def test_tallies_add_up_to_partner_figures(demo: Demo, window: int) -> None:
    intensive = demo.intensive
    scopes = [[b] for d in intensive.days for b in d.blocks]
    scopes += [list(d.blocks) for d in intensive.days]
    scopes.append([b for d in intensive.days for b in d.blocks])
    for blocks in scopes:
        for key in PartnerKey:
            tallies = [block_tally(b, key, window) for b in blocks]
            assert figures_of(total(tallies)) == partner_figures(blocks, key, window)


def test_an_open_run_and_no_observations_still_agree(demo: Demo) -> None:
    """A block still running (no recorded end) and a block with nothing logged."""
    block = demo.intensive.days[1].blocks[0]
    running = dataclasses.replace(block, actual_start=block.start, actual_end=None)
    empty = dataclasses.replace(block, observations=())
    for blocks in ([running], [empty], [running, empty]):
        for key in PartnerKey:
            expected = partner_figures(blocks, key, 90)
            assert figures_of(total(block_tally(b, key, 90) for b in blocks)) == expected


def test_the_empty_tally_is_the_figures_of_nothing() -> None:
    assert figures_of(Tally()) == partner_figures([], PartnerKey.A, 90)
    assert total([Tally(), Tally()]) == Tally()
    assert figures_of(Tally()).stance_minutes[Stance.ONE_UP] == 0.0
    assert Tally().joint_time == timedelta(0)

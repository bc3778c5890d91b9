"""The per-partner figures: flips, stance time, tallies, joint rate and the day-over-day change."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime

import pytest
from hypothesis import given, settings

from crucible.app.domain.analytics import (
    DEFAULT_FLIP_WINDOW_S,
    FlipDirection,
    IntensiveSummary,
    find_flips,
    partner_figures,
    summarize_intensive,
)
from crucible.app.domain.block_span import effective_span
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.stance_time import stance_at, stance_spans
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy

from .builders import (
    DOWN,
    SAME,
    SAMPLE_PATH,
    UP,
    A,
    B,
    at,
    block,
    day,
    intensive,
    intensives,
    load_intensive,
    obs,
)

# ---------------------------------------------------------------- flips


def test_default_flip_window_is_two_minutes() -> None:
    """The default flip window is 120 seconds."""
    assert DEFAULT_FLIP_WINDOW_S == 120


def test_flip_up_across_other_partners_observation() -> None:
    """An observation of the other partner in between does not break a flip."""
    figures = partner_figures([block(obs(0, A, DOWN), obs(30, B, UP), obs(60, A, UP))], A)
    assert (figures.flips_up, figures.flips_down) == (1, 0)


def test_flip_down_is_a_collapse() -> None:
    """One-up then one-down within the window is a flip down."""
    figures = partner_figures([block(obs(0, A, UP), obs(10, A, DOWN))], A)
    assert (figures.flips_up, figures.flips_down) == (0, 1)


def test_same_as_of_same_partner_breaks_flip() -> None:
    """A same-as observation of the same partner in between means no flip."""
    figures = partner_figures([block(obs(0, A, DOWN), obs(20, A, SAME), obs(40, A, UP))], A)
    assert figures.flips == 0


@pytest.mark.parametrize(("gap", "flips"), [(120, 1), (121, 0), (119.999, 1), (120.001, 0)])
def test_flip_window_boundary_is_inclusive(gap: float, flips: int) -> None:
    """Exactly 120 s apart still counts; any later does not."""
    figures = partner_figures([block(obs(0, A, DOWN), obs(gap, A, UP))], A)
    assert figures.flips_up == flips


def test_flip_window_is_a_parameter() -> None:
    """A wider window counts a slower flip; a narrower one drops it."""
    blocks = [block(obs(0, A, DOWN), obs(200, A, UP))]
    assert partner_figures(blocks, A, flip_window_s=300).flips_up == 1
    assert partner_figures(blocks, A, flip_window_s=60).flips_up == 0


def test_flips_never_span_blocks() -> None:
    """The last observation of one block and the first of the next never flip."""
    blocks = [block(obs(0, A, DOWN), end=10), block(obs(11, A, UP), start=10, end=100)]
    assert partner_figures(blocks, A).flips == 0


def test_repeated_stance_is_not_a_flip_and_chain_counts_each_step() -> None:
    """Down, down, up, down counts one flip up and one flip down."""
    figures = partner_figures(
        [block(obs(0, A, DOWN), obs(5, A, DOWN), obs(10, A, UP), obs(15, A, DOWN))], A
    )
    assert (figures.flips_up, figures.flips_down) == (1, 1)


def test_find_flips_sorts_and_points_at_the_landing_observation() -> None:
    """Observations listed out of order are sorted; the flip names the index it lands on."""
    b = block(obs(60, B, UP), obs(0, B, DOWN), obs(30, A, UP))
    (flip,) = find_flips(b)
    assert flip.partner is B
    assert flip.direction is FlipDirection.UP
    assert (flip.before_index, flip.after_index) == (1, 0)
    assert flip.seconds == 60


def test_find_flips_filters_by_partner() -> None:
    """Asking for one partner's flips leaves out the other's."""
    b = block(obs(0, A, DOWN), obs(1, A, UP), obs(2, B, UP), obs(3, B, DOWN))
    assert [f.partner for f in find_flips(b)] == [A, B]
    assert [f.partner for f in find_flips(b, partner=B)] == [B]


def test_negative_flip_window_is_refused() -> None:
    """A negative flip window is a caller's mistake and raises."""
    with pytest.raises(ValueError, match="flip window"):
        find_flips(block(), -1)


# ---------------------------------------------------------------- stance time


def test_stance_time_cut_at_block_end() -> None:
    """The last stance holds until the block's end, not past it."""
    figures = partner_figures([block(obs(0, A, DOWN), obs(60, A, UP), end=180)], A)
    assert figures.stance_minutes[DOWN] == 1.0
    assert figures.stance_minutes[UP] == 2.0
    assert figures.stance_minutes[SAME] == 0.0
    assert figures.covered_minutes == 3.0
    assert figures.stance_time_shares[UP] == pytest.approx(2 / 3)


def test_stance_time_starts_at_first_observation_and_ignores_other_partner() -> None:
    """Time before the partner's first observation is not counted; B's entries do not cut A."""
    figures = partner_figures([block(obs(60, B, UP), obs(120, A, SAME), obs(150, B, DOWN))], A)
    assert figures.covered_minutes == 58.0
    assert figures.stance_minutes[SAME] == 58.0


def test_open_block_ends_at_last_observation_of_any_partner() -> None:
    """A block still running ends, for figures, at its last observation of either partner."""
    b = block(obs(0, A, DOWN), obs(90, A, UP), obs(300, B, SAME), end=None)
    assert effective_span(b).end == b.observations[-1].at
    figures = partner_figures([b], A)
    assert figures.stance_minutes[DOWN] == 1.5
    assert figures.stance_minutes[UP] == 3.5
    assert figures.joint_minutes == 5.0


def test_open_block_without_observations_lasts_no_time() -> None:
    """An open block with nothing logged has zero joint minutes and no rate."""
    figures = partner_figures([block(end=None)], A)
    assert figures.joint_minutes == 0.0
    assert figures.flips_per_hour is None


def test_observations_at_the_same_instant_keep_logging_order() -> None:
    """Of two observations at one instant, the later-logged holds the time."""
    (first, second) = stance_spans(block(obs(0, A, DOWN), obs(0, A, UP), end=60), A)
    assert first.duration.total_seconds() == 0
    assert (second.stance, second.duration.total_seconds()) == (UP, 60)


def test_stance_at_answers_the_current_stance() -> None:
    """The current stance is the latest observation's; unknown before the first or at the end."""
    spans = stance_spans(block(obs(10, A, DOWN), obs(20, A, UP), end=30), A)
    assert stance_at(spans, at(5)) is None
    assert stance_at(spans, at(10)) is DOWN
    assert stance_at(spans, at(20)) is UP
    assert stance_at(spans, at(30)) is None


# ---------------------------------------------------------------- tallies and means


def test_empty_partner_has_zeros_and_no_means() -> None:
    """A partner never observed has zero raw counts, 0.0 raw shares, and None means and rate."""
    figures = partner_figures([block(obs(0, B, UP), end=1800)], A)
    assert figures.observations == 0
    assert dict(figures.counts) == dict.fromkeys(Stance, 0)
    assert dict(figures.shares) == dict.fromkeys(Stance, 0.0)
    assert dict(figures.stance_time_shares) == dict.fromkeys(Stance, 0.0)
    assert figures.mean_intensity is None
    assert dict(figures.mean_intensity_by_stance) == dict.fromkeys(Stance)
    assert figures.flips_per_hour is None  # joint time, but nothing logged in it


def test_counts_shares_and_means() -> None:
    """Counts, shares and means are computed per stance, with None for an unseen stance."""
    figures = partner_figures(
        [block(obs(0, A, UP, 5), obs(200, A, UP, 2), obs(400, A, DOWN, 2), obs(600, B, SAME, 1))],
        A,
    )
    assert figures.observations == 3
    assert dict(figures.counts) == {UP: 2, SAME: 0, DOWN: 1}
    assert figures.shares[UP] == pytest.approx(2 / 3)
    assert figures.mean_intensity == 3.0
    assert dict(figures.mean_intensity_by_stance) == {UP: 3.5, SAME: None, DOWN: 2.0}


def test_strategy_and_boundary_tallies_list_every_key() -> None:
    """Every strategy and boundary is a key, zeros included; missing boundaries are not counted."""
    b = block(
        obs(0, A, UP, boundary=Boundary.WALLED_OFF, strategies=(Strategy.BEING_RIGHT,)),
        obs(9, A, UP, strategies=(Strategy.BEING_RIGHT, Strategy.WITHDRAWAL)),
    )
    figures = partner_figures([b], A)
    assert set(figures.strategies) == set(Strategy)
    assert figures.strategies[Strategy.BEING_RIGHT] == 2
    assert figures.strategies[Strategy.WITHDRAWAL] == 1
    assert figures.strategies[Strategy.RETALIATION] == 0
    assert dict(figures.boundaries) == {
        Boundary.WALLED_OFF: 1,
        Boundary.BOUNDARYLESS: 0,
        Boundary.CONTAINED: 0,
    }


def test_flips_per_hour_counts_only_joint_blocks() -> None:
    """Flips per hour is joint-block flips over joint hours; individual flips stay in the counts."""
    joint = block(obs(0, A, DOWN), obs(10, A, UP), obs(20, A, DOWN), end=1800)
    solo = block(
        obs(2000, A, DOWN), obs(2010, A, UP), start=1900, end=5500, kind=BlockKind.INDIVIDUAL_A
    )
    figures = partner_figures([joint, solo], A)
    assert figures.flips == 3
    assert figures.joint_flips == 2
    assert figures.joint_minutes == 30.0
    assert figures.flips_per_hour == 4.0


def test_no_joint_time_means_no_rate() -> None:
    """Without any joint block, flips per hour is None."""
    b = block(obs(0, A, DOWN), obs(1, A, UP), kind=BlockKind.INDIVIDUAL_A)
    assert partner_figures([b], A).flips_per_hour is None


def test_figures_are_read_only() -> None:
    """The mappings of a frozen figure cannot be changed."""
    figures = partner_figures([block(obs(0, A, UP))], A)
    with pytest.raises(TypeError):
        figures.counts[UP] = 9  # type: ignore[index]


# ---------------------------------------------------------------- summaries


def _two_days() -> Intensive:
    return intensive(
        day(1, block(obs(0, A, DOWN), obs(30, A, UP), obs(60, A, SAME), end=3600)),
        day(2, block(obs(86400, A, SAME), obs(86460, A, SAME), start=86400, end=86400 + 1800)),
    )


def test_summary_days_total_and_labels() -> None:
    """Each day and the total are computed; labels are the partners' names."""
    summary = summarize_intensive(_two_days())
    a = summary.partners[A]
    assert a.label == "Dana Whitfield"
    assert summary.partners[B].label == "Sam Okafor"
    assert list(a.days) == [1, 2]
    assert a.days[1].observations == 3
    assert a.days[2].observations == 2
    assert a.total.observations == 5
    assert summary.intensive_id == 7
    assert summary.flip_window_s == DEFAULT_FLIP_WINDOW_S


def test_deidentified_summary_uses_partner_letters() -> None:
    """De-identified summaries call the partners "Partner A" and "Partner B"."""
    summary = summarize_intensive(_two_days(), deidentify=True)
    assert [p.label for p in summary.partners.values()] == ["Partner A", "Partner B"]
    assert summary.deidentified


def test_day_change_is_last_minus_first() -> None:
    """The change compares day 1 with the last day, last minus first, with headline figures."""
    change = summarize_intensive(_two_days()).partners[A].change
    assert change is not None
    assert (change.first_day, change.last_day) == (1, 2)
    assert change.same_as_share_change == pytest.approx(1 - 1 / 3)
    assert change.flips_per_hour_change == pytest.approx(0 - 1 / 1.0)
    row = change.row("observations")
    assert (row.first, row.last, row.difference) == (3, 2, -1)
    assert change.row("mean_intensity.one-up").difference is None
    with pytest.raises(KeyError):
        change.row("no-such-figure")


def test_one_day_intensive_has_no_change() -> None:
    """With one day there is nothing to compare: the change is None."""
    summary = summarize_intensive(intensive(day(1, block(obs(0, A, UP)))))
    assert summary.partners[A].change is None


def test_three_day_change_compares_first_and_last() -> None:
    """For three days the change is day 1 against day 3."""
    summary = summarize_intensive(
        intensive(day(1, block(obs(0))), day(2, block()), day(3, block(obs(0), obs(5))))
    )
    change = summary.partners[A].change
    assert change is not None
    assert (change.first_day, change.last_day) == (1, 3)
    assert change.row("observations").difference == 1


# ---------------------------------------------------------------- properties


def _check_sums(summary: IntensiveSummary, source: Intensive) -> None:
    for key, partner in summary.partners.items():
        total = partner.total
        assert sum(total.counts.values()) == total.observations
        for figures in (*partner.days.values(), total):
            if figures.observations:
                assert sum(figures.shares.values()) == pytest.approx(1.0)
            if figures.covered_minutes:
                assert sum(figures.stance_time_shares.values()) == pytest.approx(1.0)
            assert sum(figures.stance_minutes.values()) == pytest.approx(figures.covered_minutes)
        for stance in Stance:
            assert sum(d.counts[stance] for d in partner.days.values()) == total.counts[stance]
        assert sum(d.flips_up for d in partner.days.values()) == total.flips_up
        assert sum(d.flips_down for d in partner.days.values()) == total.flips_down
        assert total.joint_flips <= total.flips
        covered = sum(
            (
                effective_span(b).end - min(o.at for o in b.observations if o.partner == key)
            ).total_seconds()
            for d in source.days
            for b in d.blocks
            if any(o.partner == key for o in b.observations)
        )
        assert total.covered_minutes == pytest.approx(covered / 60)


@settings(max_examples=75, deadline=None)
@given(intensives())
def test_figures_add_up(drawn: Intensive) -> None:
    """Shares sum to 1, stance minutes to covered time, counts and days to the total."""
    _check_sums(summarize_intensive(drawn), drawn)


@settings(max_examples=50, deadline=None)
@given(intensives())
def test_a_wider_window_never_finds_fewer_flips(drawn: Intensive) -> None:
    """Widening the flip window can only add flips."""
    narrow = summarize_intensive(drawn, flip_window_s=30)
    wide = summarize_intensive(drawn, flip_window_s=600)
    for key in PartnerKey:
        assert wide.partners[key].total.flips >= narrow.partners[key].total.flips


# ---------------------------------------------------------------- the real sample


def test_sample_counts_match_the_file() -> None:
    """On the sample file, counts per partner per day equal a direct count of the JSON."""
    raw = json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))
    expected: Counter[tuple[int, str, str]] = Counter()
    for raw_day in raw["intensive"]["days"]:
        for raw_block in raw_day["blocks"]:
            for o in raw_block["observations"]:
                expected[raw_day["day"], o["partner"], o["stance"]] += 1
    source = load_intensive()
    summary = summarize_intensive(source)
    for (number, partner, stance), count in expected.items():
        assert summary.partners[PartnerKey(partner)].days[number].counts[Stance(stance)] == count
    total = sum(p.total.observations for p in summary.partners.values())
    assert total == sum(expected.values())
    _check_sums(summary, source)


def test_sample_figures_are_plausible() -> None:
    """On the sample, stance time fits in the blocks, joint time is right, flips were found."""
    source = load_intensive()
    summary = summarize_intensive(source)
    joint_by_day = {
        d.number: sum(
            (b.end - b.start).total_seconds() / 60
            for b in d.blocks
            if b.kind is BlockKind.JOINT and b.end is not None
        )
        for d in source.days
    }
    for partner in summary.partners.values():
        for number, figures in partner.days.items():
            assert figures.joint_minutes == pytest.approx(joint_by_day[number])
            day_minutes = sum(
                effective_span(b).duration.total_seconds() / 60
                for b in source.days[number - 1].blocks
            )
            assert figures.covered_minutes <= day_minutes
        assert partner.total.flips > 0
        assert partner.change is not None
        assert isinstance(source.days[0].blocks[0].start, datetime)

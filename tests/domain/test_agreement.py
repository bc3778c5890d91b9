"""Inter-rater agreement: maximal event matching, Cohen's kappa, and the time-sliced kappa."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.agreement import (
    DEFAULT_MATCH_TOLERANCE_S,
    cohens_kappa,
    compare_coders,
    match_events,
    match_times,
    percent_agreement,
    time_sliced_pairs,
)
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance

from .builders import DOWN, SAME, UP, A, B, at, block, blocks, load_intensive, obs

# ---------------------------------------------------------------- kappa


def test_kappa_hand_computed() -> None:
    """Eight of ten agree with even marginals: p_o = .8, p_e = .5, kappa = .6."""
    pairs = [(UP, UP)] * 4 + [(UP, DOWN)] + [(DOWN, DOWN)] * 4 + [(DOWN, UP)]
    assert cohens_kappa(pairs) == pytest.approx(0.6)
    assert percent_agreement(pairs) == pytest.approx(80.0)


def test_kappa_with_uneven_marginals() -> None:
    """A textbook 2x2 table (20/5/10/15) gives p_o = .7, p_e = .5, kappa = .4."""
    pairs = [(UP, UP)] * 20 + [(UP, DOWN)] * 5 + [(DOWN, UP)] * 10 + [(DOWN, DOWN)] * 15
    assert cohens_kappa(pairs) == pytest.approx(0.4)


def test_kappa_perfect_disagreement_is_minus_one() -> None:
    """Two coders who always swap two categories score -1."""
    assert cohens_kappa([(UP, DOWN), (DOWN, UP)]) == -1.0


def test_kappa_without_pairs_is_none() -> None:
    """With nothing to compare, kappa and percent agreement are None."""
    assert cohens_kappa([]) is None
    assert percent_agreement([]) is None


def test_kappa_when_both_coders_use_one_category_is_one() -> None:
    """Expected agreement 1 (one shared category) is defined as kappa 1.0."""
    assert cohens_kappa([(SAME, SAME)] * 3) == 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(Stance), st.sampled_from(Stance)), max_size=30))
def test_kappa_lies_between_minus_one_and_one(pairs: list[tuple[Stance, Stance]]) -> None:
    """Kappa is None only without pairs, and otherwise in [-1, 1]."""
    kappa = cohens_kappa(pairs)
    assert (kappa is None) == (not pairs)
    if kappa is not None:
        assert -1.0 <= kappa <= 1.0


# ---------------------------------------------------------------- event matching


def _brute_force_maximum(first: Sequence[int], second: Sequence[int], tolerance: int) -> int:
    def best(i: int, used: frozenset[int]) -> int:
        if i == len(first):
            return 0
        result = best(i + 1, used)
        for j, other in enumerate(second):
            if j not in used and abs(first[i] - other) <= tolerance:
                result = max(result, 1 + best(i + 1, used | {j}))
        return result

    return best(0, frozenset())


def test_tolerance_is_inclusive() -> None:
    """Events exactly 10 s apart match; 11 s apart do not."""
    assert DEFAULT_MATCH_TOLERANCE_S == 10
    assert match_times([at(0)], [at(10)], 10) == ((0, 0),)
    assert match_times([at(0)], [at(11)], 10) == ()


def test_earliest_candidate_keeps_the_matching_maximal() -> None:
    """Taking the nearest candidate would lose a pair; taking the earliest keeps two."""
    assert match_times([at(10), at(21)], [at(12), at(1)], 10) == ((0, 1), (1, 0))


def test_events_match_only_the_same_partner() -> None:
    """An event of A never pairs with an event of B, however close in time."""
    match = match_events([obs(0, A, UP)], [obs(0, B, UP)])
    assert match.pairs == ()
    assert len(match.unmatched_first) == len(match.unmatched_second) == 1


def test_each_event_matched_at_most_once() -> None:
    """Two events of one coder near one event of the other give one pair and one leftover."""
    match = match_events([obs(0, A, UP), obs(2, A, DOWN)], [obs(1, A, DOWN)])
    assert len(match.pairs) == 1
    assert match.pairs[0].seconds_apart == 1
    assert match.unmatched_first == (obs(2, A, DOWN),)
    assert match.unmatched_second == ()


def test_negative_tolerance_is_refused() -> None:
    """A negative tolerance raises."""
    with pytest.raises(ValueError, match="tolerance"):
        match_times([], [], -1)


_times = st.lists(st.integers(0, 40), max_size=6)


@settings(max_examples=100, deadline=None)
@given(_times, _times, st.integers(0, 8))
def test_matching_is_maximal_and_uses_each_event_once(
    first: list[int], second: list[int], tolerance: int
) -> None:
    """The greedy finds as many pairs as brute force, each in tolerance, no event twice."""
    pairs = match_times([at(t) for t in first], [at(t) for t in second], tolerance)
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)
    assert all(abs(first[i] - second[j]) <= tolerance for i, j in pairs)
    assert len(pairs) == _brute_force_maximum(first, second, tolerance)


_events = st.lists(
    st.builds(
        lambda t, p, s: obs(t, p, s),
        st.integers(0, 40),
        st.sampled_from(PartnerKey),
        st.sampled_from(Stance),
    ),
    max_size=8,
)


@settings(max_examples=75, deadline=None)
@given(_events, _events)
def test_event_matching_accounts_for_every_event(
    first: list[Observation], second: list[Observation]
) -> None:
    """Pairs plus leftovers account for every event, pairs share a partner, and none is lost."""
    match = match_events(first, second, 5)
    assert len(match.pairs) + len(match.unmatched_first) == len(first)
    assert len(match.pairs) + len(match.unmatched_second) == len(second)
    assert all(pair.partner == pair.first.partner == pair.second.partner for pair in match.pairs)
    assert all(pair.seconds_apart <= 5 for pair in match.pairs)
    expected = sum(
        _brute_force_maximum(
            [int((o.at - at(0)).total_seconds()) for o in first if o.partner == key],
            [int((o.at - at(0)).total_seconds()) for o in second if o.partner == key],
            5,
        )
        for key in PartnerKey
    )
    assert len(match.pairs) == expected


# ---------------------------------------------------------------- time-sliced kappa


def test_time_sliced_kappa_hand_computed() -> None:
    """Coders differing for 10 of 60 seconds: agreement 50/60, kappa 2/3."""
    first = block(obs(0, A, DOWN), obs(30, A, UP), end=60)
    second = block(obs(0, A, DOWN), obs(40, A, UP), end=60)
    report = compare_coders(first, second)
    assert report.seconds_compared == 60
    assert report.time_percent_agreement == pytest.approx(100 * 50 / 60)
    assert report.time_kappa == pytest.approx(2 / 3)
    assert report.kappa == 1.0
    assert report.unmatched_first == report.unmatched_second == ()


def test_seconds_before_first_observation_are_skipped() -> None:
    """Only seconds both coders have labelled, for a partner, are compared."""
    first = block(obs(10, A, UP), end=60)
    second = block(obs(20, A, UP), obs(50, B, SAME), end=60)
    units = time_sliced_pairs(first, second)
    assert len(units) == 40
    assert set(units) == {(UP, UP)}


def test_time_sliced_open_blocks_use_their_own_ends() -> None:
    """Each coder's open block ends at that coder's last observation."""
    first = block(obs(0, A, UP), obs(30, B, UP), end=None)
    second = block(obs(0, A, UP), obs(20, B, UP), end=None)
    assert len(time_sliced_pairs(first, second)) == 20


def test_blocks_with_nothing_logged_have_no_kappa() -> None:
    """Two empty codings give no pairs and no kappa."""
    report = compare_coders(block(), block())
    assert report.kappa is None
    assert report.time_kappa is None
    assert report.seconds_compared == 0


@settings(max_examples=50, deadline=None)
@given(blocks(max_observations=8), blocks(max_observations=8))
def test_time_kappa_is_bounded(first: Block, second: Block) -> None:
    """Event and time-sliced kappa stay in [-1, 1] for any two codings."""
    report = compare_coders(first, second)
    for kappa in (report.kappa, report.time_kappa):
        assert kappa is None or -1.0 <= kappa <= 1.0
    assert len(report.pairs) + len(report.unmatched_first) == len(first.observations)


def test_sample_block_agrees_with_a_shifted_copy_of_itself() -> None:
    """A coding shifted by 5 s matches every event, with kappa 1 on events."""
    original = load_intensive().days[0].blocks[0]
    shift = timedelta(seconds=5)
    shifted = Block(
        title=original.title,
        kind=original.kind,
        start=original.start,
        end=original.end,
        observations=tuple(
            Observation(at=o.at + shift, partner=o.partner, stance=o.stance)
            for o in original.observations
        ),
    )
    report = compare_coders(original, shifted)
    assert len(report.pairs) == len(original.observations)
    assert report.kappa == 1.0
    assert report.time_kappa is not None
    assert 0.5 < report.time_kappa <= 1.0

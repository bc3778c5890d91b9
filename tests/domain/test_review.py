"""The review loop's shared vocabulary: fingerprints, block positions and pooled agreement."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crucible.app.domain.agreement import cohens_kappa, compare_coders
from crucible.app.domain.review import Card, fingerprint_of, numbered_blocks, review_agreement
from crucible.app.domain.vocabulary import Role

from .builders import DOWN, SAME, UP, A, B, block, day, intensive, obs


def test_fingerprint_is_eight_groups_that_change_with_either_key() -> None:
    """Both keys are covered, and the groups are what people read aloud."""
    sealing, signing = bytes(range(32)), bytes(range(32, 64))
    printed = fingerprint_of(sealing, signing)
    groups = printed.split(" ")
    assert len(groups) == 8
    assert all(len(g) == 4 and g == g.upper() for g in groups)
    assert fingerprint_of(bytes(32), signing) != printed
    assert fingerprint_of(sealing, bytes(32)) != printed
    assert Card("Sam Lee", Role.SUPERVISOR, sealing, signing).fingerprint == printed


def test_positions_count_day_one_first() -> None:
    """Position n is the n-th block reading the days in order."""
    first, second, third = block(title="one"), block(title="two"), block(title="three")
    subject = intensive(day(1, first, second), day(2, third))
    assert [b.title for b in numbered_blocks(subject)] == ["one", "two", "three"]


def test_agreement_per_block_matches_compare_coders_and_pools_overall() -> None:
    """A block's figures are compare_coders' own; overall kappa pools the matched pairs."""
    one = block(obs(10, A, UP), obs(20, B, DOWN), obs(30, A, SAME), title="one")
    two = block(obs(10, A, DOWN), obs(40, B, UP), title="two")
    subject = intensive(day(1, one), day(2, two))
    layer = {1: (obs(12, A, UP), obs(21, B, UP), obs(33, A, SAME)), 2: (obs(11, A, DOWN),)}
    result = review_agreement(subject, layer)
    expected_one = compare_coders(one, replace(one, observations=layer[1]))
    assert result.blocks[1].kappa == expected_one.kappa
    pooled = [(p.first.stance, p.second.stance) for r in result.blocks.values() for p in r.pairs]
    assert result.overall.events_matched == len(pooled) == 4
    assert result.overall.kappa == cohens_kappa(pooled)


def test_agreement_skips_blocks_nobody_second_coded_and_refuses_unknown_ones() -> None:
    """Only coded blocks count; a position past the last block is an error."""
    subject = intensive(day(1, block(obs(10)), block(obs(20))))
    assert set(review_agreement(subject, {2: (obs(20),)}).blocks) == {2}
    with pytest.raises(ValueError, match="Block 3"):
        review_agreement(subject, {3: ()})


def test_a_returned_review_suggests_a_supervision_entry() -> None:
    """Dated when returned, by the supervisor on the card, observable only if they coded."""
    from datetime import UTC, datetime

    from crucible.app.domain.hours import ObservableData, SupervisionFormat
    from crucible.app.domain.hours_review import supervision_for_review
    from crucible.app.domain.review import IntensiveReview

    card = Card("Dr. Sam Lee", Role.SUPERVISOR, bytes(32), bytes(32))
    returned = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
    commented = IntensiveReview(card, (), {}, None, returned)
    entry = supervision_for_review(commented, 7)
    assert entry.on == returned.astimezone().date()
    assert (entry.minutes, entry.format, entry.observable) == (
        60,
        SupervisionFormat.INDIVIDUAL,
        ObservableData.NONE,
    )
    assert (entry.supervisor, entry.intensive_ids) == ("Dr. Sam Lee", (7,))
    coded = IntensiveReview(card, (), {1: (obs(10),)}, None, returned)
    assert supervision_for_review(coded, 7, 45).observable is ObservableData.VIDEO
    assert supervision_for_review(coded, 7, 45).minutes == 45

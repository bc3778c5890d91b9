"""Answers remembered per block object: computed once, forgotten with the block."""

from __future__ import annotations

import gc

from crucible.app.domain import stance_time
from crucible.app.domain.stance_time import chronological, partner_chronological

from .builders import DOWN, SAME, UP, A, B, block, obs


def test_time_order_is_worked_out_once_per_block_and_forgotten_with_it() -> None:
    """Opening a block asks for its order dozens of times; the answer leaves with the block."""
    before = len(stance_time._CHRONOLOGICAL)
    subject = block(obs(30, A, UP), obs(10, B, DOWN), obs(20, A, SAME))
    assert [i for i, _ in chronological(subject)] == [1, 2, 0]
    assert chronological(subject) is chronological(subject)
    assert [i for i, _ in partner_chronological(subject, A)] == [2, 0]
    assert partner_chronological(subject, A) is partner_chronological(subject, A)
    assert len(stance_time._CHRONOLOGICAL) == before + 1
    del subject
    gc.collect()
    assert len(stance_time._CHRONOLOGICAL) == before
    assert len(stance_time._PARTNER_CHRONOLOGICAL[A]) == 0


def test_flips_are_worked_out_once_per_block_window_and_partner() -> None:
    """Each (window, partner) has its own answer; asking again returns the same tuple."""
    from crucible.app.domain.flips import find_flips

    subject = block(obs(0, A, UP), obs(5, A, DOWN), obs(7, B, UP), obs(9, B, DOWN))
    both = find_flips(subject, 10)
    assert find_flips(subject, 10) is both
    assert len(both) == 2
    assert [f.partner for f in find_flips(subject, 10, A)] == [A]
    assert find_flips(subject, 1) == ()  # a narrower window is its own question
    assert find_flips(subject, 10) is both


def test_stance_spans_are_worked_out_once_per_block_and_partner() -> None:
    """A summary asks for each block's spans by day and again in total: the same tuple."""
    from crucible.app.domain.stance_time import stance_spans

    subject = block(obs(30, A, UP), obs(10, B, DOWN), obs(20, A, SAME))
    assert stance_spans(subject, A) is stance_spans(subject, A)
    assert stance_spans(subject, B) is not stance_spans(subject, A)
    assert [s.observation_index for s in stance_spans(subject, A)] == [2, 0]
    del subject
    gc.collect()
    assert len(stance_time._SPANS[A]) == 0

"""Answers remembered per block object: computed once, forgotten with the block."""

from __future__ import annotations

import gc

from app.domain import stance_time
from app.domain.stance_time import chronological, partner_chronological

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

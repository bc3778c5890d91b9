"""The time-sliced labels laid down as ranges equal the second-by-second definition.

`second_labels` was rewritten for speed (the agreement of a 1,000-observation
block, issue 13's budget); the reference is the original loop, kept in
tests/domain/builders.py as the definition it must keep matching.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.agreement import second_labels
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.stance_time import stance_spans
from crucible.app.domain.vocabulary import BlockKind, PartnerKey, Stance

from .builders import labels_second_by_second

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@settings(max_examples=200, deadline=None)
@given(
    moments=st.lists(st.integers(0, 3_600_000_000), max_size=40),
    stances=st.lists(st.sampled_from(list(Stance)), min_size=40, max_size=40),
    partners=st.lists(st.sampled_from(list(PartnerKey)), min_size=40, max_size=40),
    origin_shift_us=st.integers(-5_000_000, 5_000_000),
    seconds=st.integers(0, 4000),
    end_us=st.integers(1, 3_700_000_000),
)
def test_range_labels_equal_the_second_by_second_definition(
    moments: list[int],
    stances: list[Stance],
    partners: list[PartnerKey],
    origin_shift_us: int,
    seconds: int,
    end_us: int,
) -> None:
    observations = tuple(
        Observation(START + timedelta(microseconds=m), partners[i], stances[i])
        for i, m in enumerate(sorted(moments))
    )
    block = Block(
        "b",
        BlockKind.JOINT,
        START,
        START + timedelta(microseconds=end_us),
        observations=observations,
    )
    origin = START + timedelta(microseconds=origin_shift_us)
    for key in PartnerKey:
        spans = stance_spans(block, key)
        assert second_labels(spans, origin, seconds) == labels_second_by_second(
            spans, origin, seconds
        )

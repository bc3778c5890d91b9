"""The fast second labelling and kappa counting give what the per-second walk gives."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.agreement import (
    cohens_kappa,
    kappa_and_percent,
    percent_agreement,
    second_labels,
    time_sliced_cells,
    time_sliced_pairs,
)
from crucible.app.domain.intensive import Block
from crucible.app.domain.stance_time import stance_spans
from crucible.app.domain.vocabulary import PartnerKey, Stance

from .builders import T0, blocks, labels_second_by_second


@settings(max_examples=200, deadline=None)  # the per-second reference is slow by design
@given(
    blocks(max_observations=10),
    st.integers(-3_000_000, 3_000_000),
    st.integers(0, 4000),
    st.sampled_from(PartnerKey),
)
def test_slices_label_every_second_as_the_walk_does(
    block: Block, shift_us: int, seconds: int, partner: PartnerKey
) -> None:
    """Any origin, to the microsecond, either side of the spans."""
    spans = stance_spans(block, partner)
    origin = T0 + timedelta(microseconds=shift_us)
    assert second_labels(spans, origin, seconds) == labels_second_by_second(spans, origin, seconds)


@given(st.lists(st.tuples(st.sampled_from(Stance), st.sampled_from(Stance)), max_size=40))
def test_one_count_gives_both_figures(pairs: list[tuple[Stance, Stance]]) -> None:
    """kappa_and_percent is the two functions, from a generator as well as a list."""
    assert kappa_and_percent(iter(pairs)) == (cohens_kappa(pairs), percent_agreement(pairs))


@settings(max_examples=200, deadline=None)  # the per-second reference is slow by design
@given(blocks(max_observations=10), blocks(max_observations=10))
def test_counted_runs_are_the_counted_seconds(first: Block, second: Block) -> None:
    """Run against run gives the same cells as pairing every second, on any two blocks."""
    assert time_sliced_cells(first, second) == Counter(time_sliced_pairs(first, second))

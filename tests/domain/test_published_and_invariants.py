"""Kappa against published worked examples, and invariants the issue names explicitly."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.agreement import cohens_kappa
from crucible.app.domain.analytics import summarize_intensive
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.vocabulary import Stance

from .builders import intensives

UP, SAME, DOWN = Stance.ONE_UP, Stance.SAME_AS, Stance.ONE_DOWN


def _table(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> list[tuple[Stance, Stance]]:
    """Pairs from a 2x2 agreement table (first coder's label first)."""
    return (
        [(UP, UP)] * yes_yes
        + [(UP, DOWN)] * yes_no
        + [(DOWN, UP)] * no_yes
        + [(DOWN, DOWN)] * no_no
    )


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # Wikipedia, "Cohen's kappa", worked example: 50 proposals, 20/5/10/15 -> 0.4.
        ((20, 5, 10, 15), 0.4),
        # Same article, "same percentage, different kappa": 45/15/25/15 -> 0.1304
        # and 25/35/5/35 -> 0.2593 (both p_o = 0.60).
        ((45, 15, 25, 15), 0.1304),
        ((25, 35, 5, 35), 0.2593),
    ],
)
def test_kappa_matches_published_worked_examples(
    table: tuple[int, int, int, int], expected: float
) -> None:
    """Our kappa reproduces the textbook values to four decimals."""
    assert cohens_kappa(_table(*table)) == pytest.approx(expected, abs=5e-5)


def test_kappa_three_categories_worked_by_hand() -> None:
    """3x3 case: 100 units, diagonal 30/20/10 -> p_o .6, p_e .34, kappa .3939."""
    pairs = (
        [(UP, UP)] * 30
        + [(UP, SAME)] * 10
        + [(SAME, SAME)] * 20
        + [(SAME, DOWN)] * 10
        + [(DOWN, DOWN)] * 10
        + [(DOWN, UP)] * 20
    )
    # rows: UP 40, SAME 30, DOWN 30; columns: UP 50, SAME 30, DOWN 20
    # p_e = (40*50 + 30*30 + 30*20) / 100^2 = 0.35; kappa = (0.6 - 0.35) / 0.65
    assert cohens_kappa(pairs) == pytest.approx((0.6 - 0.35) / 0.65)


labels = st.sampled_from(list(Stance))


@settings(max_examples=100, deadline=None)
@given(st.lists(labels, min_size=1, max_size=40))
def test_identical_codings_have_kappa_one(coding: list[Stance]) -> None:
    """Two coders who agree on every unit have kappa 1."""
    assert cohens_kappa(list(zip(coding, coding, strict=True))) == 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(labels, labels), min_size=1, max_size=40))
def test_kappa_is_symmetric_in_the_coders(pairs: list[tuple[Stance, Stance]]) -> None:
    """Swapping which coder is first does not change kappa."""
    swapped = [(b, a) for a, b in pairs]
    assert cohens_kappa(swapped) == pytest.approx(cohens_kappa(pairs))


@settings(max_examples=60, deadline=None)
@given(intensives(), st.randoms(use_true_random=False))
def test_shuffling_input_order_changes_nothing(drawn: Intensive, rnd: random.Random) -> None:
    """Observations given in any order within their blocks give the same summary."""
    shuffled_days = []
    for day in drawn.days:
        blocks = []
        for block in day.blocks:
            observations = list(block.observations)
            # Equal timestamps keep logging order by design; shuffle only distinct instants.
            if len({o.at for o in observations}) == len(observations):
                rnd.shuffle(observations)
            blocks.append(dataclasses.replace(block, observations=tuple(observations)))
        shuffled_days.append(dataclasses.replace(day, blocks=tuple(blocks)))
    shuffled = dataclasses.replace(drawn, days=tuple(shuffled_days))
    assert summarize_intensive(shuffled) == summarize_intensive(drawn)

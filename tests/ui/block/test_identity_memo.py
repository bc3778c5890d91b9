"""The chart's memos find what was made from the very object, never from an equal one."""

from __future__ import annotations

import gc
from dataclasses import dataclass

from crucible.app.ui.block.identity_memo import IdentityMemo


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def test_the_same_object_finds_its_value_and_an_equal_one_does_not() -> None:
    memo: IdentityMemo[Span, str] = IdentityMemo()
    first = Span(1, 2)
    memo.put(first, "placed")
    assert memo.get(first) == "placed"
    assert memo.get(Span(1, 2)) is None  # equal, but not the object the value was made from


def test_the_extra_key_tells_two_values_of_one_object_apart() -> None:
    memo: IdentityMemo[Span, str] = IdentityMemo()
    span = Span(1, 2)
    memo.put(span, "plain", False)
    memo.put(span, "flip", True)
    assert (memo.get(span, False), memo.get(span, True), memo.get(span)) == ("plain", "flip", None)


def test_an_object_made_after_another_is_dropped_never_takes_its_value() -> None:
    """The memo keeps its objects, so no later object can reuse a remembered id."""
    memo: IdentityMemo[Span, int] = IdentityMemo()
    for n in range(2000):
        memo.put(Span(n, n), n)
    gc.collect()
    fresh = [Span(-1, -1) for _ in range(2000)]
    assert all(memo.get(span) is None for span in fresh)
    assert len(memo) == 2000

"""Reading a block's strategies: each distinct stored list becomes strategies once."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from crucible.app.domain.vocabulary import Strategy
from crucible.app.store.types import stored_strategies

_VALUES = [strategy.value for strategy in Strategy]


@given(st.lists(st.sampled_from(_VALUES), max_size=4))
def test_stored_text_reads_back_as_the_strategies_written(values: list[str]) -> None:
    """The stored JSON text gives the same strategies, in order."""
    text = json.dumps(values, separators=(",", ":"))
    assert stored_strategies(text) == tuple(Strategy(value) for value in values)


def test_rows_with_the_same_text_share_one_tuple() -> None:
    """A thousand rows carry a few dozen lists: none is turned into strategies twice.

    Building a fresh tuple of enum members per row was half of reading a
    block's observations as it opened (issue 19).
    """
    text = json.dumps(_VALUES[:2])
    first = stored_strategies(text)
    assert stored_strategies(str(text)) is first
    assert stored_strategies("".join(text)) is first
    assert stored_strategies(None) == stored_strategies("") == ()

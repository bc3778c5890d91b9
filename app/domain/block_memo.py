"""Answers remembered per block object, for as long as that object lives.

A :class:`~app.domain.intensive.Block` is frozen, so anything computed from
it alone never changes while it lives. The live workspace, the timeline and
the figures ask the same questions of the same block many times per key
and per open (its span, its observations in time order, one partner's
share of them); each answer scans every observation. Entries hold the block
only weakly, so no client text outlives its block here, and an entry leaves
with its block.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

_B = TypeVar("_B")
_T = TypeVar("_T")


class BlockMemo(Generic[_B, _T]):
    """``compute(block)``, computed once per block object (the block must be weakly referable)."""

    def __init__(self, compute: Callable[[_B], _T]) -> None:
        self._compute = compute
        self._known: dict[int, tuple[weakref.ref[_B], _T]] = {}

    def __call__(self, block: _B) -> _T:
        """The remembered answer, or a new one remembered until the block is gone."""
        key = id(block)
        known = self._known.get(key)
        if known is not None and known[0]() is block:
            return known[1]
        answer = self._compute(block)
        self._known[key] = (weakref.ref(block, functools.partial(self._forget, key)), answer)
        return answer

    def remember(self, block: _B, answer: _T) -> None:
        """Take an answer found another way (cheaper, and equal to what `compute` gives)."""
        key = id(block)
        self._known[key] = (weakref.ref(block, functools.partial(self._forget, key)), answer)

    def _forget(self, key: int, _gone: object) -> None:
        self._known.pop(key, None)

    def __len__(self) -> int:
        return len(self._known)

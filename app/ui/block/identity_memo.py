"""A memo keyed by the very object, never by its value.

The live workspace remembers what it built from each observation, timeline
point and stance span (a chart position, a row's texts). These are frozen
dataclasses of eight to twelve fields, and a dict keyed by them hashes every
field (an aware time's hash asks its zone for the offset) on every look-up:
opening a block looks up thousands. The workspace keeps the very same
objects from key to key, so their identity is all a look-up needs.

Each entry keeps its object, so the object's id cannot be reused by another
while the entry lives, and a look-up counts only for that very object. The
domain's `BlockMemo` does the same for blocks with weak references; these
objects are slotted without weak references, and each memo lives only as
long as one open block, so holding them is what it costs.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """What was made from an object (and a small extra key), found by the object's identity."""

    def __init__(self) -> None:
        self._entries: dict[tuple[int, Hashable], tuple[K, V]] = {}

    def get(self, obj: K, extra: Hashable = None) -> V | None:
        """The value made from this very object, or None."""
        entry = self._entries.get((id(obj), extra))
        return entry[1] if entry is not None and entry[0] is obj else None

    def put(self, obj: K, value: V, extra: Hashable = None) -> None:
        """Remember the value made from this object."""
        self._entries[(id(obj), extra)] = (obj, value)

    def __len__(self) -> int:
        return len(self._entries)

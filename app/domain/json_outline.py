"""An exchange document decoded without its observations: they stay text until they are read.

`json.loads` of a 200,000-observation document builds 200,000 dicts, and
the import then held them, the domain objects and the ORM rows at once:
more than a gigabyte (issue 16). `outline` walks the document's own
structure (the root, `intensive`, its days, their blocks) and decodes every
other value with the standard decoder, as `json.loads` would; each block's
`observations` array becomes a `DeferredArray`, which remembers where its
elements start in the text and decodes one element at a time when it is
iterated. The validation in `app.domain.exchange` iterates it like a list,
so it checks the same things in the same order with the same messages.

Anything this walk does not expect (bad syntax, trailing data, deep
nesting) raises `OutlineRefused`; the caller then decodes the text with
`json.loads`, whose error (or result) is the reference, so a broken
document is described exactly as before.
"""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Callable, Iterator
from json.scanner import make_scanner
from typing import Any, cast

from crucible.app.domain.foreground import never_paced

_DECODER = json.JSONDecoder()
_scan = make_scanner(cast(Any, _DECODER))  # as JSONDecoder builds its own `scan_once`
"""`raw_decode` less its Python frame, once or twice per observation; it raises
StopIteration (not JSONDecodeError) where no value starts."""
_SPACE = re.compile(r"[ \t\n\r]*")
_WHITESPACE = frozenset(" \t\n\r")

# Where the walk descends instead of decoding the value whole: the path of
# keys and indexes (an int matches any index) down to an observations array.
_OBJECT, _ARRAY, _DEFERRED = "object", "array", "deferred"
_SHAPE: dict[tuple[object, ...], str] = {
    (): _OBJECT,
    ("intensive",): _OBJECT,
    ("intensive", "days"): _ARRAY,
    ("intensive", "days", 0): _OBJECT,
    ("intensive", "days", 0, "blocks"): _ARRAY,
    ("intensive", "days", 0, "blocks", 0): _OBJECT,
    ("intensive", "days", 0, "blocks", 0, "observations"): _DEFERRED,
}


class OutlineRefused(ValueError):
    """The text is not JSON this walk reads; decode it with `json.loads` for the real answer."""


class DeferredArray(list[Any]):
    """A JSON array left as text: its length is known, its elements are decoded as iterated.

    A `list` to the validation (which checks the type), but it holds no
    elements: only the text and where each element starts.
    """

    __slots__ = ("_offsets", "_pace", "_text")

    def __init__(self, text: str, offsets: array[int], pace: Callable[[], None]) -> None:
        super().__init__()
        self._text = text
        self._offsets = offsets
        self._pace = pace

    def __len__(self) -> int:
        return len(self._offsets)

    def __bool__(self) -> bool:
        return bool(self._offsets)

    def __iter__(self) -> Iterator[Any]:
        text, pace = self._text, self._pace
        for offset in self._offsets:
            pace()
            yield _scan(text, offset)[0]  # checked by the outline: the element is there

    def __repr__(self) -> str:
        return f"DeferredArray({len(self._offsets)} elements)"


def outline(text: str, pace: Callable[[], None] = never_paced) -> Any:
    """The document as `json.loads` would give it, with observations arrays deferred.

    `pace` is called once per observation, when it is scanned here and when
    it is decoded later: where a background import lets the clinician's
    input go first (`crucible.app.domain.foreground`).
    """
    try:
        value, end = _value(text, _space(text, 0), (), pace)
    except (json.JSONDecodeError, StopIteration, RecursionError, IndexError) as error:
        raise OutlineRefused(type(error).__name__) from None
    if _space(text, end) != len(text):
        raise OutlineRefused("extra data")
    return value


def _space(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    assert match is not None  # `*` always matches
    return match.end()


def _shape(path: tuple[object, ...]) -> str | None:
    generic = tuple(0 if isinstance(step, int) else step for step in path)
    return _SHAPE.get(generic)


def _value(
    text: str, pos: int, path: tuple[object, ...], pace: Callable[[], None]
) -> tuple[Any, int]:
    shape = _shape(path)
    opening = text[pos] if pos < len(text) else ""
    if shape == _OBJECT and opening == "{":
        return _object(text, pos, path, pace)
    if shape == _ARRAY and opening == "[":
        return _array(text, pos, path, pace)
    if shape == _DEFERRED and opening == "[":
        return _deferred(text, pos, pace)
    return _DECODER.raw_decode(text, pos)  # any other value, or an unexpected type: whole


def _object(
    text: str, pos: int, path: tuple[object, ...], pace: Callable[[], None]
) -> tuple[dict[str, Any], int]:
    found: dict[str, Any] = {}
    pos = _space(text, pos + 1)
    if text[pos] == "}":
        return found, pos + 1
    while True:
        if text[pos] != '"':
            raise OutlineRefused("a key")
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _space(text, pos)
        if text[pos] != ":":
            raise OutlineRefused("a colon")
        found[key], pos = _value(text, _space(text, pos + 1), (*path, key), pace)
        pos = _space(text, pos)
        if text[pos] == "}":
            return found, pos + 1
        if text[pos] != ",":
            raise OutlineRefused("a comma")
        pos = _space(text, pos + 1)


def _array(
    text: str, pos: int, path: tuple[object, ...], pace: Callable[[], None]
) -> tuple[list[Any], int]:
    items: list[Any] = []
    pos = _space(text, pos + 1)
    if text[pos] == "]":
        return items, pos + 1
    while True:
        item, pos = _value(text, pos, (*path, len(items)), pace)
        items.append(item)
        pos = _space(text, pos)
        if text[pos] == "]":
            return items, pos + 1
        if text[pos] != ",":
            raise OutlineRefused("a comma")
        pos = _space(text, pos + 1)


def _deferred(text: str, pos: int, pace: Callable[[], None]) -> tuple[DeferredArray, int]:
    offsets = array("q")
    pos = _space(text, pos + 1)
    if text[pos] == "]":
        return DeferredArray(text, offsets, pace), pos + 1
    decode = _scan
    while True:
        pace()
        offsets.append(pos)
        _skipped, pos = decode(text, pos)  # checked now, decoded again when read
        # Between elements, as `json.dumps` writes them (", " or ","), without the
        # regular expression: once per observation, a third of this loop's own time.
        after = text[pos]
        if after in _WHITESPACE:
            pos = _space(text, pos)
            after = text[pos]
        if after == "]":
            return DeferredArray(text, offsets, pace), pos + 1
        if after != ",":
            raise OutlineRefused("a comma")
        pos += 1
        if text[pos] in _WHITESPACE:  # most often the one space of ", "
            pos += 1
            if text[pos] in _WHITESPACE:
                pos = _space(text, pos)

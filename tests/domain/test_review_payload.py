"""The payload readers take any JSON a signed-in sender could craft: PackageError or a result.

A card someone confirmed can still send a payload no Crucible wrote; the
readers must answer every such document with PackageError (one sentence),
never another exception. Valid payloads are mutated one value at a time
(replaced or removed anywhere in the tree), as the key file reader's fuzz
does with bytes.
"""

from __future__ import annotations

import contextlib
import copy
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from crucible.app.domain.deidentify import deidentify_intensive
from crucible.app.domain.exchange import observation_document, parse_intensive
from crucible.app.domain.review import CoSignature, ReviewComment, numbered_blocks
from crucible.app.domain.review_package import PackageError
from crucible.app.domain.review_payload import (
    parse_return_payload,
    parse_review_payload,
    return_payload,
    review_payload,
)
from tests.conftest import SAMPLE_PATH

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
INTENSIVE = deidentify_intensive(parse_intensive(json.loads(SAMPLE_PATH.read_bytes())))
REVIEW = review_payload("a" * 32, NOW, INTENSIVE)
BLOCKS = numbered_blocks(INTENSIVE)
RETURN = return_payload(
    "b" * 32,
    "a" * 32,
    REVIEW["digest"],
    NOW,
    (ReviewComment(None, "Fine.", NOW), ReviewComment(2, "Slow down.", NOW)),
    {1: BLOCKS[0].observations[:5]},
    CoSignature("Dr. Sam Lee", "AAAA " * 7 + "AAAA", NOW, REVIEW["digest"], bytes(64)),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):
            found += _paths(item, (*prefix, index))
    return found


PATHS_REVIEW = [p for p in _paths(REVIEW) if p]
PATHS_RETURN = [p for p in _paths(RETURN) if p]


def _mutated(
    document: dict[str, Any], path: tuple[object, ...], value: object, remove: bool
) -> Any:
    changed = copy.deepcopy(document)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    if remove:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(PATHS_REVIEW), value=JSON_VALUES, remove=st.booleans())
def test_mutated_review_payloads_are_refused_or_read(
    path: tuple[object, ...], value: object, remove: bool
) -> None:
    with contextlib.suppress(PackageError):
        parse_review_payload(_mutated(REVIEW, path, value, remove))


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(PATHS_RETURN), value=JSON_VALUES, remove=st.booleans())
def test_mutated_return_payloads_are_refused_or_read(
    path: tuple[object, ...], value: object, remove: bool
) -> None:
    for stored in (False, True):
        with contextlib.suppress(PackageError):
            parse_return_payload(_mutated(RETURN, path, value, remove), INTENSIVE, stored=stored)


def test_the_unmutated_payloads_read_back() -> None:
    content = parse_review_payload(REVIEW)
    assert content.digest == REVIEW["digest"]
    assert numbered_blocks(content.intensive)[0].title == BLOCKS[0].title
    back = parse_return_payload(RETURN, INTENSIVE)
    assert [c.block for c in back.comments] == [None, 2]
    assert [observation_document(o) for o in back.layer[1]] == [
        observation_document(o) for o in BLOCKS[0].observations[:5]
    ]

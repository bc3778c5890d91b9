"""The import's fast path for one observation accepts only what the full check accepts.

`_plain_observation` checks the common observation without building a JSON
path per field (issue 16); whatever it declines goes through
`_parse_observation`, whose messages the CLI tests hold. So for every input
it must either decline (None) or build exactly what the full check builds,
and it must never accept what the full check refuses. It must also accept
the plain cases, or it would speed nothing up.
"""

from __future__ import annotations

from collections import UserDict
from datetime import datetime
from typing import Any

import pytest

from crucible.app.domain.exchange import (
    _ZONES,
    MAX_SHARED_ZONES,
    FormatError,
    _parse_observation,
    _plain_observation,
)
from crucible.app.domain.intensive import Observation

WINDOW = (
    datetime.fromisoformat("2026-03-13T00:00:00-05:00"),
    datetime.fromisoformat("2026-03-16T00:00:00-05:00"),
)
PLAIN: dict[str, Any] = {
    "at": "2026-03-14T10:15:00-05:00",
    "partner": "A",
    "stance": "one-up",
    "boundary": "contained",
    "intensity": 4,
    "strategies": ["withdrawal", "being-right"],
    "trigger": "",
    "quote": "",
    "intervention": "",
    "response": "",
    "note": "",
}
MISSING = object()


def _with(key: str, value: object) -> dict[str, Any]:
    changed = dict(PLAIN)
    if value is MISSING:
        del changed[key]
    else:
        changed[key] = value
    return changed


ACCEPTED = [
    PLAIN,
    _with("boundary", None),
    _with("boundary", MISSING),
    _with("strategies", []),
    _with("strategies", MISSING),
    _with("intensity", MISSING),
    _with("note", MISSING),
    _with("quote", "Dana: «אני לא יכולה» 😔"),
    _with("trigger", "line one\nline two\ttab"),
    _with("at", "2026-03-14T15:15:00.250000+00:00"),
    _with("at", "2026-03-14T15:15:00Z"),
    {**PLAIN, "extra": [1, 2]},
]
BAD_VALUES: dict[str, list[object]] = {
    "at": [
        MISSING,
        None,
        5,
        "yesterday",
        "2026-03-14T10:15:00",
        "2026-03-20T10:15:00-05:00",
        "1899-12-31T10:00:00+00:00",
        "3000-01-01T00:00:00+00:00",
    ],
    "partner": [MISSING, None, "C", "a", 1, ["A"]],
    "stance": [MISSING, None, "one-upp", 2, {"x": 1}],
    "boundary": ["open", 3, ["contained"], True],
    "intensity": [None, 0, 6, 3.0, "3", True, False],
    "strategies": [
        None,
        "withdrawal",
        ["sulking"],
        ["withdrawal", "withdrawal"],
        [None],
        [["withdrawal"]],
    ],
    "trigger": [None, 5, "\ud800"],
    "quote": ["unpaired \udc80 here", ["x"]],
    "intervention": [False],
    "response": [1.5],
    "note": ["ok \ud83d", None],
}
REFUSED = [_with(key, value) for key, values in BAD_VALUES.items() for value in values] + [
    None,
    [],
    "observation",
    7,
]


def _full(raw: object) -> object:
    try:
        return _parse_observation(raw, "o", WINDOW)
    except FormatError as error:
        return error


@pytest.mark.parametrize("raw", ACCEPTED)
def test_the_fast_path_builds_what_the_full_check_builds(raw: dict[str, Any]) -> None:
    """Plain observations are taken by the fast path, equal to the full check's."""
    fast = _plain_observation(raw, WINDOW)
    assert fast is not None
    assert fast == _full(raw)


@pytest.mark.parametrize("raw", REFUSED)
def test_the_fast_path_declines_what_the_full_check_refuses(raw: object) -> None:
    """Every refused observation is left to the full check, which names the problem."""
    assert isinstance(_full(raw), FormatError)
    assert _plain_observation(raw, WINDOW) is None


def test_unusual_types_are_left_to_the_full_check() -> None:
    """A mapping that is not a plain dict is declined, though the full check may accept it."""

    class Mapping(UserDict[str, Any]):
        pass

    class Dict(dict[str, Any]):
        pass

    assert _plain_observation(Mapping(PLAIN), WINDOW) is None
    assert _plain_observation(Dict(PLAIN), WINDOW) is None
    assert _full(Dict(PLAIN)) == _plain_observation(PLAIN, WINDOW)


def test_equal_strategy_lists_share_one_tuple() -> None:
    """Observations with the same strategies hold one tuple between them (fewer objects)."""
    first = _plain_observation(PLAIN, WINDOW)
    second = _plain_observation(dict(PLAIN), WINDOW)
    assert first is not None
    assert second is not None
    assert first.strategies is second.strategies


def test_times_with_one_offset_share_one_tzinfo() -> None:
    """Parsed times share a tzinfo per offset (fast comparisons); many offsets stay bounded."""
    first = _plain_observation(PLAIN, WINDOW)
    second = _full(_with("at", "2026-03-14T11:15:00-05:00"))
    assert first is not None
    assert isinstance(second, Observation)
    assert first.at.tzinfo is second.at.tzinfo
    for minutes in range(2 * MAX_SHARED_ZONES):
        moment = f"2026-03-14T10:15:00-05:{minutes // 60:02d}:{minutes % 60:02d}"
        assert _plain_observation(_with("at", moment), WINDOW) is not None
    assert len(_ZONES) <= MAX_SHARED_ZONES

"""Column types that keep what SQLite alone would lose."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from crucible.app.domain.vocabulary import Strategy

_ZONES: dict[tzinfo, tzinfo] = {}
"""One offset object per distinct offset read (a handful per vault: a clinic's zones)."""

_NAIVE_ORIGIN = datetime(2000, 1, 1)
_ORIGINS: dict[str, datetime] = {}
"""Per offset text (``-05:00``): 2000-01-01 00:00 on that offset, with its shared tzinfo."""


def utc_key(moment: datetime) -> str:
    """A sortable UTC text form of an aware datetime (the `at_utc` columns).

    The text `strftime("%Y-%m-%dT%H:%M:%S.%fZ")` writes (the year unpadded
    below 1000, as there), formatted by hand: `strftime` rewrites its format
    for every call, and a 200,000-observation import makes 200,000 keys.
    """
    utc = moment.astimezone(UTC)
    return "%d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031 (a third faster than an f-string)
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.microsecond,
    )


def aware_from_iso(text: str) -> datetime:
    """Parse stored ISO text, sharing one tzinfo object per offset.

    `fromisoformat` makes a new `timezone` for every value; two datetimes
    with different tzinfo objects compare and subtract through their UTC
    offsets, about five times slower than two sharing one (CPython's fast
    path). The analytics compare every observation's time several times:
    on a 5,000-observation intensive that was most of the summary (issue 16).
    Equal offsets are equal timezones, so no value changes.

    The common stored form (``...+HH:MM``, what `isoformat` writes) is
    parsed without its offset and moved onto the shared zone by adding the
    wall-clock time to that zone's origin: `datetime.replace(tzinfo=...)`
    costs about 2 us on CPython 3.11, five times the parse itself, and the
    summary reads thousands of times (issue 16). The sum has the same
    fields, the same tzinfo object and fold 0, as the parse would give.
    """
    offset = _offset_text(text)
    if offset is not None:
        origin = _ORIGINS.get(offset)
        if origin is not None:
            return origin + (datetime.fromisoformat(text[:-6]) - _NAIVE_ORIGIN)
    moment = datetime.fromisoformat(text)
    zone = moment.tzinfo
    if zone is None:
        return moment
    shared = _ZONES.setdefault(zone, zone)
    if offset is not None:
        _ORIGINS[offset] = _NAIVE_ORIGIN.replace(tzinfo=shared)
    return moment if shared is zone else moment.replace(tzinfo=shared)


def _offset_text(text: str) -> str | None:
    """The trailing ``+HH:MM`` of a date and time to the second or finer, else None."""
    if len(text) >= 25 and text[-3] == ":" and text[-6] in "+-":
        return text[-6:]
    return None


class AwareDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as ISO 8601 text with its offset.

    SQLite has no datetime type and SQLAlchemy's default drops the offset; a
    clinician's wall-clock time and its offset are both part of the record.
    """

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        """Store as ISO text; naive datetimes are refused rather than guessed."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("datetimes stored in the vault must carry an offset")
        return value.isoformat()

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        """Parse ISO text back (sharing the offset object: `aware_from_iso`)."""
        return None if value is None else aware_from_iso(value)


class IsoDate(TypeDecorator[date]):
    """A calendar date stored as ISO text (YYYY-MM-DD)."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: date | None, dialect: Dialect) -> str | None:
        """Store as ISO text."""
        return None if value is None else value.isoformat()

    def process_result_value(self, value: str | None, dialect: Dialect) -> date | None:
        """Parse ISO text back."""
        return None if value is None else date.fromisoformat(value)


class JsonList(TypeDecorator[list[Any]]):
    """A short list (an observation's strategies) as compact JSON text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> str | None:
        """Store as JSON."""
        return None if value is None else json.dumps(value, separators=(",", ":"))

    def process_result_value(self, value: str | None, dialect: Dialect) -> list[Any] | None:
        """Parse JSON back (each distinct text once: `_parsed_list`)."""
        return None if value is None else list(_parsed_list(value))


def stored_strategies(text: str | None) -> tuple[Strategy, ...]:
    """An observation's strategies from their stored text (the JSON `JsonList` writes).

    For readers that take the column's text as it is stored (a block as it
    opens, the summary's figures): each distinct list is parsed and turned
    into strategies once (`_strategies_of`), and an intensive repeats a few dozen.
    """
    return _strategies_of(text) if text else ()


@lru_cache(maxsize=1024)
def _strategies_of(text: str) -> tuple[Strategy, ...]:
    """The strategies of one stored list, remembered by its text.

    Remembering only the parsed JSON left an enum lookup and a tuple per row:
    half of reading a block's 1,000 observations as it opens.
    """
    return tuple(Strategy(value) for value in _parsed_list(text))


@lru_cache(maxsize=1024)
def _parsed_list(text: str) -> tuple[Any, ...]:
    """A stored list's items, remembered by their text.

    An intensive's thousands of observations carry a few dozen distinct
    strategy lists ("[]" above all); parsing each row's JSON again was a
    tenth of reading a block's observations as it opens. A tuple, so no
    caller can change what the next one gets (callers get a fresh list).
    The type holds vocabulary values and ids only, never client text, so
    nothing here outlives a lock that should not.
    """
    return tuple(json.loads(text))

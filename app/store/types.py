"""Column types that keep what SQLite alone would lose."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_ZONES: dict[tzinfo, tzinfo] = {}
"""One offset object per distinct offset read (a handful per vault: a clinic's zones)."""


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
    """
    moment = datetime.fromisoformat(text)
    zone = moment.tzinfo
    if zone is None:
        return moment
    shared = _ZONES.setdefault(zone, zone)
    return moment if shared is zone else moment.replace(tzinfo=shared)


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
        """Parse JSON back."""
        return None if value is None else list(json.loads(value))

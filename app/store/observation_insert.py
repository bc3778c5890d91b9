"""An import's observations written straight to SQLite, many rows per statement.

Through SQLAlchemy Core, 200,000 observations spent more than half of the
import's insert time in per-row work before SQLite saw a value: building
each parameter dict, `construct_params`, and the column types' bind
processors (issue 16). And pysqlite's `executemany` with one row per
statement took twice as long as with 64 rows per statement. Here
each row is a tuple of the exact values the ORM's types store, and
`ROWS_PER_STATEMENT` rows share one `INSERT ... VALUES (...), (...)`,
sent with `exec_driver_sql` on the caller's connection: same transaction,
same triggers (the search index sees every row), and a failure still
arrives as SQLAlchemy's `IntegrityError`. `stored_values` is the single
place that knows the stored form; a test compares its rows with the rows the
live logging path (Core with the types) writes for the same observations.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import StrEnum
from itertools import chain

from sqlalchemy import Connection

from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from crucible.app.store.types import utc_key

COLUMNS = (
    "block_id",
    "at",
    "at_utc",
    "offset_s",
    "partner",
    "stance",
    "boundary",
    "intensity",
    "strategies",
    "trigger",
    "quote",
    "intervention",
    "response",
    "note",
)
ROWS_PER_STATEMENT = 64
"""64 rows of 14 values: 896 parameters, under SQLite's historical limit of 999."""

StoredRow = tuple[int, str, str, float, str, str, str | None, int, str, str, str, str, str, str]

_STORED_WORD: dict[StrEnum, str] = {
    member: member.value for kind in (PartnerKey, Stance, Boundary) for member in kind
}
"""A word of the grid as stored: looked up, not read through the enum's `value` property
(three per row; the property was a fifth of building the rows)."""

_STRATEGIES_JSON: dict[tuple[Strategy, ...], str] = {}
"""A list of strategies as `JsonList` stores it: a few dozen distinct lists per vault."""


@functools.cache
def _insert_sql(rows: int) -> str:
    one = "(" + ", ".join("?" * len(COLUMNS)) + ")"
    names = ", ".join(f'"{name}"' for name in COLUMNS)
    return f"INSERT INTO observation ({names}) VALUES " + ", ".join([one] * rows)  # noqa: S608


def _strategies_json(strategies: tuple[Strategy, ...]) -> str:
    stored = _STRATEGIES_JSON.get(strategies)
    if stored is None:
        stored = json.dumps([s.value for s in strategies], separators=(",", ":"))
        _STRATEGIES_JSON[strategies] = stored
    return stored


def stored_values(block_id: int, observation: Observation, block_start: datetime) -> StoredRow:
    """The row as the ORM's column types store it, in `COLUMNS` order."""
    at, boundary = observation.at, observation.boundary
    return (
        block_id,
        at.isoformat(),  # AwareDateTime
        utc_key(at),
        (at - block_start).total_seconds(),
        _STORED_WORD[observation.partner],
        _STORED_WORD[observation.stance],
        None if boundary is None else _STORED_WORD[boundary],
        observation.intensity,
        _strategies_json(observation.strategies),  # JsonList
        observation.trigger,
        observation.quote,
        observation.intervention,
        observation.response,
        observation.note,
    )


def insert_rows(connection: Connection, rows: Sequence[StoredRow]) -> None:
    """Insert rows in statements of `ROWS_PER_STATEMENT` rows (the rest in one shorter one)."""
    whole = len(rows) - len(rows) % ROWS_PER_STATEMENT
    if whole:
        connection.exec_driver_sql(
            _insert_sql(ROWS_PER_STATEMENT),
            [
                tuple(chain.from_iterable(rows[first : first + ROWS_PER_STATEMENT]))
                for first in range(0, whole, ROWS_PER_STATEMENT)
            ],
        )
    if whole < len(rows):
        rest = rows[whole:]
        connection.exec_driver_sql(_insert_sql(len(rest)), tuple(chain.from_iterable(rest)))


def insert_until_wanted(
    connection: Connection, rows: Sequence[StoredRow], first: int, wanted: Callable[[], bool]
) -> int:
    """Insert rows from `first`, one statement at a time, until done or `wanted()` says stop.

    For an import's short transactions (decision 0031): when another writer
    (a live key) starts waiting, the transaction ends after the statement
    under way instead of the whole batch, so the key waits for about
    `ROWS_PER_STATEMENT` rows, not `IMPORT_BATCH_ROWS`. At least one
    statement is inserted, so the import always moves on. Returns the index
    of the first row not inserted.
    """
    while first < len(rows):
        insert_rows(connection, rows[first : first + ROWS_PER_STATEMENT])
        first += ROWS_PER_STATEMENT
        if wanted():
            break
    return min(first, len(rows))


def insert_observations(
    connection: Connection,
    block_id: int,
    block_start: datetime,
    observations: Sequence[Observation],
    chunk: int,
) -> None:
    """Insert a block's observations, `chunk` rows built at a time (memory stays bounded)."""
    for first in range(0, len(observations), chunk):
        insert_rows(
            connection,
            [stored_values(block_id, o, block_start) for o in observations[first : first + chunk]],
        )

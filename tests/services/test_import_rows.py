"""An import writes each observation's row exactly as the live logging path writes it.

The import inserts observations as plain values, many rows per statement,
past SQLAlchemy's column types (`crucible.app.store.observation_insert`,
issue 16); `log_observation` goes through Core with the types. The same
observation must give the same stored text in every column, or sorting,
search and export would differ between imported and logged data. The
observations below cover every kind of value (each stance and boundary,
none, one and two strategies, offsets other than the block's, non-ASCII
text), in more rows than one statement and one chunk hold.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import text

from crucible.app.domain.intensive import Block
from crucible.app.services.intensive_exchange import (
    export_intensive,
    get_intensive,
    import_intensive,
)
from crucible.app.services.observations import log_observation
from crucible.app.services.search import search
from crucible.app.store import intensives
from crucible.app.store.observation_insert import ROWS_PER_STATEMENT
from crucible.app.store.vault import Vault

COUNT = 3 * ROWS_PER_STATEMENT + 5
ZONES = (timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)), UTC)
STANCES = ("one-up", "same-as", "one-down")
BOUNDARIES = (None, "walled-off", "boundaryless", "contained")
STRATEGIES = ([], ["withdrawal"], ["being-right", "retaliation"])
COLUMNS = (
    "at, at_utc, offset_s, partner, stance, boundary, intensity, strategies, "
    "trigger, quote, intervention, response, note"
)


def _observations(block: dict[str, Any]) -> list[dict[str, Any]]:
    start = datetime.fromisoformat(block["start"])
    return [
        {
            "at": (start + timedelta(seconds=7 * n, microseconds=n % 3 * 1000))
            .astimezone(ZONES[n % 3])
            .isoformat(),
            "partner": "AB"[n % 2],
            "stance": STANCES[n % 3],
            "boundary": BOUNDARIES[n % 4],
            "intensity": n % 5 + 1,
            "strategies": STRATEGIES[n % 3],
            "trigger": "" if n % 2 else f"trigger {n}",
            "quote": "Dana: «אני לא יכולה» 😔" if n % 7 == 0 else "",
            "intervention": f"slowed down {n}" if n % 5 == 0 else "",
            "response": "",
            "note": "tab\tand\nline" if n == 3 else "",
        }
        for n in range(COUNT)
    ]


def _rows(vault: Vault, block_id: int) -> list[tuple[Any, ...]]:
    with vault.session() as session:
        return [
            tuple(row)
            for row in session.execute(
                text(f"SELECT {COLUMNS} FROM observation WHERE block_id = :b ORDER BY id"),
                {"b": block_id},
            )
        ]


def _first_block(vault: Vault, intensive_id: int) -> Block:
    intensive = get_intensive(vault, intensive_id)
    return intensive.days[0].blocks[0]


def test_imported_rows_equal_logged_rows(
    vault: Vault, sample_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every column of every imported row is the text the logging path stores for it."""
    monkeypatch.setattr(intensives, "OBSERVATION_CHUNK", 2 * ROWS_PER_STATEMENT + 1)
    document = json.loads(sample_bytes)
    block_document = document["intensive"]["days"][0]["blocks"][0]
    block_document["observations"] = _observations(block_document)
    new_id = import_intensive(vault, json.dumps(document).encode(), actor="test")
    block = _first_block(vault, new_id)
    assert block.id is not None
    for observation in block.observations:  # the same observations again, logged live
        log_observation(vault, block.id, observation)

    rows = _rows(vault, block.id)
    assert len(rows) == 2 * COUNT
    assert rows[:COUNT] == rows[COUNT:]
    assert len({row[1] for row in rows[:COUNT]}) == COUNT  # each in its place, none repeated


def test_imported_rows_export_and_are_found(vault: Vault, sample_bytes: bytes) -> None:
    """In the document's order on the way out, and in the search index (its triggers ran)."""
    document = json.loads(sample_bytes)
    block_document = document["intensive"]["days"][0]["blocks"][0]
    block_document["observations"] = _observations(block_document)
    new_id = import_intensive(vault, json.dumps(document).encode(), actor="test")
    exported = json.loads(export_intensive(vault, new_id, actor="test"))
    assert exported["intensive"]["days"][0]["blocks"][0]["observations"] == [
        {**o, "at": datetime.fromisoformat(o["at"]).isoformat()}
        for o in block_document["observations"]
    ]
    hits = search(vault, "slowed", limit=200)
    found = [hit for hit in hits if hit.observation_id is not None]
    assert len(found) == len(range(0, COUNT, 5))

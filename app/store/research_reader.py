"""Reading an intensive for the research export: its outline at once, its observations streamed.

A ten-year practice holds a million observations, so the export never holds
them all: the outline (days, blocks, notes' signatures) is small and loaded
whole, and the observations come as one ordered stream per intensive,
grouped by block, so only one block's observations live at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain import intensive as domain
from app.domain.research_table import Moment
from app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from app.store import models
from app.store.intensives import intensive_from_row

_STANCES = {s.value: s for s in Stance}
_PARTNERS = {p.value: p for p in PartnerKey}
_BOUNDARIES = {b.value: b for b in Boundary}
_STRATEGIES = {s.value: s for s in Strategy}


def existing_ids(session: Session, wanted: list[int] | None) -> list[int]:
    """The vault's intensive ids among ``wanted`` (all of them for None), in id order."""
    query = select(models.Intensive.id).order_by(models.Intensive.id)
    if wanted is not None:
        query = query.where(models.Intensive.id.in_(wanted))
    return list(session.scalars(query))


def intensive_outlines(session: Session, ids: list[int]) -> list[domain.Intensive]:
    """The intensives (in the order of ``ids``) with days, blocks and notes, no observations.

    The observations are read by :func:`stream_moments`; the outline is
    small, and loading a batch of them in one go keeps the ORM's per-query
    cost off each intensive. An id that names nothing is left out.
    """
    rows = session.scalars(
        select(models.Intensive)
        .where(models.Intensive.id.in_(ids))
        .options(
            selectinload(models.Intensive.couple).selectinload(models.Couple.partners),
            selectinload(models.Intensive.days)
            .selectinload(models.Day.blocks)
            .selectinload(models.Block.note)
            .options(
                selectinload(models.BlockNote.sections),
                selectinload(models.BlockNote.addenda),
            ),
        )
    ).all()
    by_id = {row.id: row for row in rows}
    outlines = []
    for intensive_id in ids:
        row = by_id.get(intensive_id)
        if row is None:
            continue
        empty: dict[int, tuple[domain.Observation, ...]] = {
            block.id: () for day in row.days for block in day.blocks
        }
        outlines.append(intensive_from_row(row, empty))
    return outlines


_COLUMNS = "o.block_id, o.at, o.partner, o.stance, o.intensity, o.boundary, o.strategies"
_TEXT_COLUMNS = ", o.trigger, o.quote, o.intervention, o.response, o.note"
_ORDERED = (
    " FROM observation AS o"
    " JOIN block AS b ON b.id = o.block_id"
    " JOIN day AS d ON d.id = b.day_id"
    " WHERE d.intensive_id = ?"
    " ORDER BY d.number, b.position, o.at_utc, o.id"
)


def stream_moments(
    session: Session, intensive_id: int, *, with_text: bool
) -> Iterator[tuple[int, list[Moment]]]:
    """Each block's observations as moments (block id, moments in time order), in schedule order.

    Blocks without observations are skipped. The rows come through the
    driver's own cursor, converted here once: a million rows through the
    ORM's type machinery cost several times the read itself
    (docs/performance.md, "Research export"). The free-text columns are read
    only when asked for, so a default export never decodes a note it will
    not write.
    """
    sql = "SELECT " + _COLUMNS + (_TEXT_COLUMNS if with_text else "") + _ORDERED
    driver = session.connection().connection.driver_connection  # inside the session's BEGIN
    assert driver is not None
    cursor = driver.execute(sql, (intensive_id,))
    strategies_of = _strategies_reader()
    parse = datetime.fromisoformat
    for block_id, rows in groupby(cursor, key=lambda row: row[0]):
        yield (
            block_id,
            [
                Moment(
                    parse(row[1]),
                    _PARTNERS[row[2]],
                    _STANCES[row[3]],
                    row[4],
                    None if row[5] is None else _BOUNDARIES[row[5]],
                    strategies_of(row[6]),
                    tuple(row[7:]),
                )
                for row in rows
            ],
        )


def _strategies_reader() -> Callable[[str], tuple[Strategy, ...]]:
    """Strategies from their stored JSON text, each distinct text decoded once per intensive."""
    known: dict[str, tuple[Strategy, ...]] = {}

    def read(text: str) -> tuple[Strategy, ...]:
        found = known.get(text)
        if found is None:
            found = known[text] = tuple(_STRATEGIES[s] for s in json.loads(text))
        return found

    return read


__all__ = ["existing_ids", "intensive_outlines", "stream_moments"]

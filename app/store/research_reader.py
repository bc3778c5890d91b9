"""Reading an intensive for the research export: its outline at once, its observations streamed.

A ten-year practice holds a million observations, so the export never holds
them all: the outline (days, blocks, notes' signatures) is small and loaded
whole, and the observations come as one ordered stream per intensive,
grouped by block, so only one block's observations live at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crucible.app.domain import intensive as domain
from crucible.app.domain.research_table import Coded, Moment
from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from crucible.app.store import models
from crucible.app.store.intensives import intensive_from_row

_STANCES = {s.value: s for s in Stance}
_PARTNERS = {p.value: p for p in PartnerKey}
_BOUNDARIES: dict[str | None, Boundary | None] = {None: None} | {b.value: b for b in Boundary}
_STRATEGIES = {s.value: s for s in Strategy}


def existing_ids(session: Session, wanted: list[int] | None) -> list[int]:
    """The vault's intensive ids among ``wanted`` (all of them for None), in id order.

    A staged intensive (an import still writing) is not among them.
    """
    query = (
        select(models.Intensive.id)
        .where(models.Intensive.staged_at.is_(None))
        .order_by(models.Intensive.id)
    )
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


_AT_US = (  # the UTC copy as whole microseconds, in SQLite's C: exact, and cheaper than Python
    "unixepoch(substr(o.at_utc, 1, 19)) * 1000000 + CAST(substr(o.at_utc, 21, 6) AS INTEGER)"
)
_COLUMNS = (
    "o.block_id, o.at, " + _AT_US + ", o.partner, o.stance, o.intensity, o.strategies, o.boundary"
)
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
    for block_id, group in groupby(cursor, key=_BLOCK_ID):
        yield block_id, _moments(list(group))


_BLOCK_ID = itemgetter(0)
_GET_AT, _GET_AT_US, _GET_CODED, _GET_TEXTS = (
    itemgetter(1),
    itemgetter(2),
    itemgetter(slice(3, 8)),
    itemgetter(slice(8, None)),
)


def _moments(rows: list[Any]) -> list[Moment]:
    """One block's rows as moments, converted column by column.

    Every step is a C-level `map` or `zip` (the tuple's own constructor, as
    `Moment._make` uses, without its Python frame): no bytecode runs per
    observation, which is most of what converting a million of them cost.
    """
    ats = map(datetime.fromisoformat, map(_GET_AT, rows))
    coded = map(_INTERNED_CODED.__getitem__, map(_GET_CODED, rows))
    fields = zip(ats, map(_GET_AT_US, rows), coded, map(_GET_TEXTS, rows), strict=True)
    moments: list[Moment] = list(map(tuple.__new__, repeat(Moment), fields))
    return moments


class _InternedCoded(dict[tuple[str, str, int, str, str | None], Coded]):
    """The coded values by their stored form, each distinct combination checked once per process.

    One lookup per observation instead of one per column: an unknown
    combination is converted (strategies decoded from their JSON text) and
    checked against the vocabulary, then kept. Two partners, three stances,
    five intensities, four boundaries and the orderings of five strategies
    bound it (a few thousand in practice), and it holds no client's words.
    """

    def __missing__(self, stored: tuple[str, str, int, str, str | None]) -> Coded:
        partner, stance, intensity, strategies, boundary = stored
        found = self[stored] = (
            _PARTNERS[partner],
            _STANCES[stance],
            intensity,
            tuple(_STRATEGIES[s] for s in json.loads(strategies)),
            _BOUNDARIES[boundary],
        )
        return found


_INTERNED_CODED: Final = _InternedCoded()


__all__ = ["existing_ids", "intensive_outlines", "stream_moments"]

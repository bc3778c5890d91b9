"""Reading an intensive for the research export: its outline at once, its observations streamed.

A ten-year practice holds a million observations, so the export never holds
them all: the outline (days, blocks, notes' signatures) is small and loaded
whole, and the observations come as one ordered stream per intensive,
grouped by block, so only one block's observations live at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.domain import intensive as domain
from app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from app.store import models
from app.store.intensives import intensive_from_row

_STANCES = {s.value: s for s in Stance}
_PARTNERS = {p.value: p for p in PartnerKey}
_BOUNDARIES = {b.value: b for b in Boundary}
_STRATEGIES = {s.value: s for s in Strategy}
_STREAM_BATCH = 2000


def existing_ids(session: Session, wanted: list[int] | None) -> list[int]:
    """The vault's intensive ids among ``wanted`` (all of them for None), in id order."""
    query = select(models.Intensive.id).order_by(models.Intensive.id)
    if wanted is not None:
        query = query.where(models.Intensive.id.in_(wanted))
    return list(session.scalars(query))


def intensive_outline(session: Session, intensive_id: int) -> domain.Intensive | None:
    """The intensive with its days, blocks and notes, but no observations (read by the stream)."""
    row = session.scalar(
        select(models.Intensive)
        .where(models.Intensive.id == intensive_id)
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
    )
    if row is None:
        return None
    empty: dict[int, tuple[domain.Observation, ...]] = {
        block.id: () for day in row.days for block in day.blocks
    }
    return intensive_from_row(row, empty)


def stream_observations(
    session: Session, intensive_id: int, *, with_text: bool
) -> Iterator[tuple[int, tuple[domain.Observation, ...]]]:
    """Each block's observations (block id, observations in time order), in schedule order.

    Blocks without observations are skipped; the free-text columns are read
    only when asked for, so a default export never decodes a note it will
    not write.
    """
    columns: list[Any] = [
        models.Observation.block_id,
        models.Observation.id,
        models.Observation.at,
        models.Observation.partner,
        models.Observation.stance,
        models.Observation.intensity,
        models.Observation.boundary,
        models.Observation.strategies,
    ]
    if with_text:
        columns += [
            models.Observation.trigger,
            models.Observation.quote,
            models.Observation.intervention,
            models.Observation.response,
            models.Observation.note,
        ]
    result = session.execute(
        select(*columns)
        .join(models.Block, models.Block.id == models.Observation.block_id)
        .join(models.Day, models.Day.id == models.Block.day_id)
        .where(models.Day.intensive_id == intensive_id)
        .order_by(
            models.Day.number,
            models.Block.position,
            models.Observation.at_utc,
            models.Observation.id,
        )
        .execution_options(yield_per=_STREAM_BATCH)
    )
    for block_id, rows in groupby(result, key=lambda row: row[0]):
        yield block_id, tuple(_observation(row, with_text) for row in rows)


def _observation(row: Any, with_text: bool) -> domain.Observation:
    boundary = row[6]
    observation = domain.Observation(
        id=row[1],
        at=row[2],
        partner=_PARTNERS[row[3]],
        stance=_STANCES[row[4]],
        intensity=row[5],
        boundary=None if boundary is None else _BOUNDARIES[boundary],
        strategies=tuple(_STRATEGIES[s] for s in row[7]),
    )
    if not with_text:
        return observation
    return domain.Observation(
        id=observation.id,
        at=observation.at,
        partner=observation.partner,
        stance=observation.stance,
        intensity=observation.intensity,
        boundary=observation.boundary,
        strategies=observation.strategies,
        trigger=row[8],
        quote=row[9],
        intervention=row[10],
        response=row[11],
        note=row[12],
    )


__all__ = ["existing_ids", "intensive_outline", "stream_observations"]

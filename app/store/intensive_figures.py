"""An intensive read for its figures only: the columns the analytics use, as plain Core rows.

`intensives.load_intensive` reads everything a clinician can see (notes
with their sections and addenda, each observation's free text) through
the ORM; the summary of a 5,000-observation intensive spent most of its
time there (issue 16: 112 ms median against a 50 ms budget). The figures
(`app.domain.analytics`) use the blocks' times and kinds, the days, the
partners' names and each observation's time, partner, stance, intensity,
boundary and strategies. This reader gives exactly that: blocks come with
an empty note and observations without their free text, so what it
returns is for computing, never for showing, exporting or signing.

Stored text is decoded here without the column types' per-row Python
calls: times with `aware_from_iso` directly (as `AwareDateTime` does),
strategies through `stored_strategies`, one parse per distinct list.
Observations are built by `bare_observation` (equal to the dataclass's
own constructor, in less than half its time) from Core rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from crucible.app.domain import intensive as domain
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance
from crucible.app.store import models
from crucible.app.store.types import aware_from_iso, stored_strategies

_STANCES = {s.value: s for s in Stance}
_PARTNERS = {p.value: p for p in PartnerKey}
_BOUNDARIES = {b.value: b for b in Boundary}


def _raw(column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> ColumnElement[str]:
    """The column's stored text, without its type's per-row conversion."""
    return type_coerce(column, String())


def _moment(text: str | None) -> datetime | None:
    return None if text is None else aware_from_iso(text)


def couple_partners(connection: Connection, couple_id: int) -> tuple[domain.Partner, ...]:
    """A couple's partners as plain rows, A then B (as the ORM relationship orders them)."""
    return tuple(
        domain.Partner(_PARTNERS[key], name, pronouns, colour)
        for key, name, pronouns, colour in connection.execute(
            select(
                models.Partner.key,
                models.Partner.name,
                models.Partner.pronouns,
                models.Partner.colour,
            )
            .where(models.Partner.couple_id == couple_id)
            .order_by(models.Partner.key)
        )
    )


def load_intensive_for_figures(session: Session, intensive_id: int) -> domain.Intensive | None:
    """The intensive as the analytics need it (see the module's docstring), or None if absent."""
    # Core statements on the session's connection, not `session.execute`: the
    # ORM's result layer costs about 2 us a row for plain columns (issue 16:
    # 13 ms against 9 ms for the 2,088 observations of an intensive).
    connection = session.connection()
    header = connection.execute(
        select(
            models.Intensive.couple_id,
            models.Intensive.title,
            models.Intensive.clinician,
            models.Intensive.trainee,
            models.Intensive.supervisor,
        ).where(models.Intensive.id == intensive_id)
    ).one_or_none()
    if header is None:
        return None
    couple_id, title, clinician, trainee, supervisor = header
    code = connection.execute(
        select(models.Couple.code).where(models.Couple.id == couple_id)
    ).scalar_one()
    a, b = couple_partners(connection, couple_id)
    days = connection.execute(
        select(models.Day.id, models.Day.number, _raw(models.Day.date))
        .where(models.Day.intensive_id == intensive_id)
        .order_by(models.Day.number)
    ).all()
    blocks = connection.execute(
        select(
            models.Block.day_id,
            models.Block.id,
            models.Block.title,
            models.Block.kind,
            _raw(models.Block.start),
            _raw(models.Block.end),
            _raw(models.Block.actual_start),
            _raw(models.Block.actual_end),
        )
        .where(models.Block.day_id.in_([day_id for day_id, _n, _d in days]))
        .order_by(models.Block.day_id, models.Block.position)
    ).all()
    observations = _observations(connection, [row[1] for row in blocks])
    by_day: dict[int, list[domain.Block]] = {day_id: [] for day_id, _n, _d in days}
    for day_id, block_id, block_title, kind, start, end, actual_start, actual_end in blocks:
        by_day[day_id].append(
            domain.Block(
                id=block_id,
                title=block_title,
                kind=BlockKind(kind),
                start=aware_from_iso(start),
                end=_moment(end),
                actual_start=_moment(actual_start),
                actual_end=_moment(actual_end),
                observations=tuple(observations.get(block_id, ())),
            )
        )
    return domain.Intensive(
        id=intensive_id,
        couple=domain.Couple(code=code, partners=(a, b)),
        title=title,
        clinician=clinician,
        trainee=trainee,
        supervisor=supervisor,
        days=tuple(
            domain.Day(number=number, date=date.fromisoformat(day), blocks=tuple(by_day[day_id]))
            for day_id, number, day in days
        ),
    )


def _observations(
    connection: Connection, block_ids: list[int]
) -> dict[int, list[domain.Observation]]:
    """The blocks' observations in time order (as `observations_by_block`), without free text."""
    grouped: dict[int, list[domain.Observation]] = {}
    if not block_ids:
        return grouped
    query = (
        select(
            models.Observation.block_id,
            models.Observation.id,
            _raw(models.Observation.at),
            models.Observation.partner,
            models.Observation.stance,
            models.Observation.intensity,
            models.Observation.boundary,
            _raw(models.Observation.strategies),
        )
        .where(models.Observation.block_id.in_(block_ids))
        .order_by(models.Observation.block_id, models.Observation.at_utc, models.Observation.id)
    )
    rows = connection.execute(query).all()
    observation, parse = domain.bare_observation, aware_from_iso
    partners, stances, boundaries = _PARTNERS, _STANCES, _BOUNDARIES
    for block_id, obs_id, at, partner, stance, intensity, boundary, chosen in rows:
        items = grouped.get(block_id)
        if items is None:
            items = grouped[block_id] = []
        items.append(
            observation(
                parse(at),
                partners[partner],
                stances[stance],
                intensity,
                None if boundary is None else boundaries[boundary],
                stored_strategies(chosen),
                obs_id,
            )
        )
    return grouped

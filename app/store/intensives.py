"""Moving intensives between the ORM rows and the domain's frozen objects.

Queries take the caller's session (one per user action), never open their own.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session, selectinload

from crucible.app.domain import intensive as domain
from crucible.app.domain.vocabulary import (
    BlockKind,
    Boundary,
    PartnerKey,
    Stance,
    Strategy,
    partner_colour,
)
from crucible.app.store import models
from crucible.app.store.intensive_figures import couple_partners
from crucible.app.store.observation_insert import insert_observations
from crucible.app.store.raw_reader import IntensiveListing  # shared with the ORM-free listing
from crucible.app.store.types import aware_from_iso, stored_strategies
from crucible.app.store.types import utc_key as utc_key  # where callers have long found it


class CoupleConflictError(ValueError):
    """The document's couple code is taken by a couple with other partners."""


def find_or_add_couple(
    session: Session, couple: domain.Couple, saved_at: datetime
) -> models.Couple:
    """Reuse the vault's couple with this code (same partners), or add it."""
    existing = session.scalar(select(models.Couple).where(models.Couple.code == couple.code))
    if existing is None:
        row = models.Couple(
            code=couple.code,
            created_at=saved_at,
            partners=[
                models.Partner(
                    key=p.key.value,
                    name=p.name,
                    pronouns=p.pronouns,
                    colour=partner_colour(p.key, p.colour),
                )
                for p in couple.partners
            ],
        )
        session.add(row)
        return row
    names = [p.name for p in existing.partners]
    if names != [p.name for p in couple.partners]:
        raise CoupleConflictError(
            "couple.code: this code already belongs to another couple in the vault"
        )
    return existing


def intensive_row(
    couple: models.Couple, intensive: domain.Intensive, saved_at: datetime
) -> models.Intensive:
    """A new intensive's own row (no days yet), active, made at `saved_at`."""
    return models.Intensive(
        couple=couple,
        title=intensive.title,
        clinician=intensive.clinician,
        trainee=intensive.trainee,
        supervisor=intensive.supervisor,
        reflections=intensive.reflections,
        status="active",
        created_at=saved_at,
    )


def add_intensive(session: Session, intensive: domain.Intensive, saved_at: datetime) -> int:
    """Insert the whole intensive; the caller's transaction makes it all or nothing."""
    couple = find_or_add_couple(session, intensive.couple, saved_at)
    row = intensive_row(couple, intensive, saved_at)
    signatures: list[tuple[models.BlockNote, domain.BlockNote]] = []
    for day in intensive.days:
        day_row = models.Day(number=day.number, date=day.date)
        for position, block in enumerate(day.blocks):
            new_block = block_row(block, position, saved_at)
            if block.note.is_signed and new_block.note is not None:
                signatures.append((new_block.note, block.note))
            day_row.blocks.append(new_block)
        row.days.append(day_row)
    session.add(row)
    session.flush()
    _insert_observations(session, intensive, row)
    # The triggers refuse sections added to a signed note, so notes go in
    # unsigned and are signed afterwards, as a clinician signs in the app.
    for note_row, note in signatures:
        note_row.signed_at = note.signed_at
        note_row.signed_by = note.signed_by
        note_row.content_hash = domain.content_hash(note.sections)
    session.flush()
    return row.id


def block_row(block: domain.Block, position: int, saved_at: datetime) -> models.Block:
    """A block's new row with its note (unsigned: the caller signs it once its sections are in)."""
    note = block.note
    sections = [(s.title, s.text) for s in note.sections]
    note_row = models.BlockNote(
        sections=[
            models.NoteSection(position=i, title=t, text=x) for i, (t, x) in enumerate(sections)
        ],
        revisions=[
            models.NoteRevision(
                saved_at=saved_at, sections_json=json.dumps(sections, ensure_ascii=False)
            )
        ]
        if sections
        else [],
        addenda=[
            models.Addendum(at=a.at, by=a.by, reason=a.reason, text=a.text) for a in note.addenda
        ],
    )
    return models.Block(
        position=position,
        title=block.title,
        kind=block.kind.value,
        start=block.start,
        end=block.end,
        actual_start=block.actual_start,
        actual_end=block.actual_end,
        note=note_row,
    )


OBSERVATION_CHUNK = 5_000
"""Observations whose rows are built at once: an import's rows never all exist at once."""


def _insert_observations(
    session: Session, intensive: domain.Intensive, row: models.Intensive
) -> None:
    """The intensive's observations, block by block, in chunks, in the caller's transaction.

    As ORM rows, 200,000 observations took most of a gigabyte on top of the
    domain objects (issue 16); as stored values in chunks of
    OBSERVATION_CHUNK they take a few megabytes at a time. They bypass
    SQLAlchemy's per-row parameter work (`crucible.app.store.observation_insert`).
    """
    connection = session.connection()
    for day, day_row in zip(intensive.days, row.days, strict=True):
        for block, block_row in zip(day.blocks, day_row.blocks, strict=True):
            insert_observations(
                connection, block_row.id, block.start, block.observations, OBSERVATION_CHUNK
            )


def observation_values(observation: domain.Observation, block_start: datetime) -> dict[str, Any]:
    """Column values for a domain observation in a block starting at `block_start`."""
    return {
        "at": observation.at,
        "at_utc": utc_key(observation.at),
        "offset_s": (observation.at - block_start).total_seconds(),
        "partner": observation.partner.value,
        "stance": observation.stance.value,
        "boundary": None if observation.boundary is None else observation.boundary.value,
        "intensity": observation.intensity,
        "strategies": [s.value for s in observation.strategies],
        "trigger": observation.trigger,
        "quote": observation.quote,
        "intervention": observation.intervention,
        "response": observation.response,
        "note": observation.note,
    }


def observation_row(observation: domain.Observation, block_start: datetime) -> models.Observation:
    """The ORM row for a domain observation in a block starting at `block_start`."""
    return models.Observation(**observation_values(observation, block_start))


def load_intensive(
    session: Session,
    intensive_id: int,
    *,
    observations_of: Collection[int] | None = None,
    notes: bool = True,
) -> domain.Intensive | None:
    """The whole intensive as domain objects, or None if there is no such id (or it is staged).

    `observations_of`, when given, names the only blocks whose observations
    are read; every other block comes without any (the live workspace opens
    one block first and reads the rest after its first paint). With `notes`
    False every block comes with an empty note: the workspace reads the open
    block's note on its own and never the others', and reading them all was
    a fifth of opening a block.
    """
    if not notes:
        return _outline(session, intensive_id, observations_of)
    blocks = selectinload(models.Intensive.days).selectinload(models.Day.blocks)
    row = session.scalar(
        select(models.Intensive)
        .where(models.Intensive.id == intensive_id, models.Intensive.staged_at.is_(None))
        .options(
            selectinload(models.Intensive.couple).selectinload(models.Couple.partners),
            blocks.options(
                selectinload(models.Block.note).options(
                    selectinload(models.BlockNote.sections),
                    selectinload(models.BlockNote.addenda),
                )
            )
            if notes
            else blocks,  # and `intensive_from_row` never touches a block's note
        )
    )
    if row is None:
        return None
    block_ids = [block.id for day in row.days for block in day.blocks]
    if observations_of is None:
        return intensive_from_row(row, observations_by_block(session, block_ids), notes=notes)
    wanted = [block_id for block_id in block_ids if block_id in set(observations_of)]
    read = observations_by_block(session, wanted)
    chosen = {block_id: read.get(block_id, ()) for block_id in block_ids}
    return intensive_from_row(row, chosen, notes=notes)


def _outline(
    session: Session, intensive_id: int, observations_of: Collection[int] | None
) -> domain.Intensive | None:
    """The intensive without notes, from three plain queries instead of the ORM's loading.

    Its structure is a handful of rows (a couple, two partners, two or three
    days, a dozen blocks), and the ORM's identity map and relationship
    loading cost more than reading them: about 6 ms of every block open
    (issue 19). Ordered as the relationships order them.
    """
    connection = session.connection()
    head = connection.execute(
        select(
            models.Intensive.title,
            models.Intensive.clinician,
            models.Intensive.trainee,
            models.Intensive.supervisor,
            models.Intensive.reflections,
            models.Intensive.couple_id,
            models.Couple.code,
        )
        .join(models.Couple, models.Couple.id == models.Intensive.couple_id)
        .where(models.Intensive.id == intensive_id, models.Intensive.staged_at.is_(None))
    ).first()
    if head is None:
        return None
    title, clinician, trainee, supervisor, reflections, couple_id, code = head
    a, b = couple_partners(connection, couple_id)
    rows = connection.execute(
        select(
            models.Day.number,
            models.Day.date,
            models.Block.id,
            models.Block.title,
            models.Block.kind,
            models.Block.start,
            models.Block.end,
            models.Block.actual_start,
            models.Block.actual_end,
        )
        .outerjoin(models.Block, models.Block.day_id == models.Day.id)
        .where(models.Day.intensive_id == intensive_id)
        .order_by(models.Day.number, models.Block.position)
    ).all()
    block_ids = [row.id for row in rows if row.id is not None]
    wanted = (
        block_ids
        if observations_of is None
        else [i for i in block_ids if i in set(observations_of)]
    )
    read = observations_by_block(session, wanted)
    days: dict[int, tuple[Any, list[domain.Block]]] = {}
    for number, day_date, block_id, block_title, kind, start, end, actual_start, actual_end in rows:
        blocks = days.setdefault(number, (day_date, []))[1]
        if block_id is not None:
            blocks.append(
                domain.Block(
                    id=block_id,
                    title=block_title,
                    kind=BlockKind(kind),
                    start=start,
                    end=end,
                    actual_start=actual_start,
                    actual_end=actual_end,
                    observations=read.get(block_id, ()),
                )
            )
    return domain.Intensive(
        id=intensive_id,
        couple=domain.Couple(code=code, partners=(a, b)),
        title=title,
        clinician=clinician,
        trainee=trainee,
        supervisor=supervisor,
        reflections=reflections,
        days=tuple(
            domain.Day(number=number, date=day_date, blocks=tuple(blocks))
            for number, (day_date, blocks) in days.items()
        ),
    )


# Observations are the bulk of an intensive (thousands of rows): they are read
# as plain Core rows, without ORM identity tracking, which halves load time.
_OBSERVATION_COLUMNS = (
    models.Observation.block_id,
    models.Observation.id,
    # The stored texts themselves, decoded below without the column types'
    # per-row calls (as `intensive_figures` does).
    type_coerce(models.Observation.at, Text),
    models.Observation.partner,
    models.Observation.stance,
    models.Observation.intensity,
    models.Observation.boundary,
    type_coerce(models.Observation.strategies, Text),  # each distinct list decoded once
    models.Observation.trigger,
    models.Observation.quote,
    models.Observation.intervention,
    models.Observation.response,
    models.Observation.note,
)
_STANCES = {s.value: s for s in Stance}
_PARTNERS = {p.value: p for p in PartnerKey}
_BOUNDARIES = {b.value: b for b in Boundary}


def observations_by_block(
    session: Session, block_ids: list[int]
) -> dict[int, tuple[domain.Observation, ...]]:
    """Every observation of the given blocks, in time order, grouped by block id."""
    grouped: dict[int, list[domain.Observation]] = {block_id: [] for block_id in block_ids}
    if not block_ids:
        return {}
    # Through the connection, not the session: plain Core rows, without the
    # ORM's loading machinery (a third of reading a block's observations).
    # The session's pending changes are flushed first, as its own execute would.
    session.flush()
    rows = (
        session.connection()
        .execute(
            select(*_OBSERVATION_COLUMNS)
            .where(models.Observation.block_id.in_(block_ids))
            # Grouped by block below, so block order first: ix_observation_block_time
            # then gives each block's rows in time order without a sort.
            .order_by(models.Observation.block_id, models.Observation.at_utc, models.Observation.id)
        )
        .all()
    )
    build, parse = domain.stored_observation, aware_from_iso
    partners, stances, boundaries = _PARTNERS, _STANCES, _BOUNDARIES
    for (
        block_id,
        obs_id,
        at,
        partner,
        stance,
        intensity,
        boundary,
        strategies,
        trigger,
        quote,
        intervention,
        response,
        note,
    ) in rows:
        grouped[block_id].append(
            build(
                parse(at),
                partners[partner],
                stances[stance],
                intensity,
                None if boundary is None else boundaries[boundary],
                stored_strategies(strategies),
                trigger,
                quote,
                intervention,
                response,
                note,
                obs_id,
            )
        )
    return {block_id: tuple(items) for block_id, items in grouped.items()}


def intensive_from_row(
    row: models.Intensive,
    observations: dict[int, tuple[domain.Observation, ...]] | None = None,
    *,
    notes: bool = True,
) -> domain.Intensive:
    """Convert a loaded ORM intensive (with its children) to the domain object.

    `observations` by block id, when given, replaces the ORM relationship.
    With `notes` False the blocks' notes are not read (they come empty).
    """
    a, b = (
        domain.Partner(PartnerKey(p.key), p.name, p.pronouns, p.colour) for p in row.couple.partners
    )
    return domain.Intensive(
        id=row.id,
        couple=domain.Couple(code=row.couple.code, partners=(a, b)),
        title=row.title,
        clinician=row.clinician,
        trainee=row.trainee,
        supervisor=row.supervisor,
        reflections=row.reflections,
        days=tuple(
            domain.Day(
                number=d.number,
                date=d.date,
                blocks=tuple(
                    block_from_row(
                        b, None if observations is None else observations[b.id], notes=notes
                    )
                    for b in d.blocks
                ),
            )
            for d in row.days
        ),
    )


def block_from_row(
    row: models.Block,
    observations: tuple[domain.Observation, ...] | None = None,
    *,
    notes: bool = True,
) -> domain.Block:
    """Convert one ORM block (note loaded, unless `notes` is False) to the domain object.

    Observations come from `observations` when given, else from the relationship.
    """
    note = row.note if notes else None
    return domain.Block(
        id=row.id,
        title=row.title,
        kind=BlockKind(row.kind),
        start=row.start,
        end=row.end,
        actual_start=row.actual_start,
        actual_end=row.actual_end,
        note=domain.BlockNote()
        if note is None
        else domain.BlockNote(
            sections=tuple(domain.NoteSection(s.title, s.text) for s in note.sections),
            signed_at=note.signed_at,
            signed_by=note.signed_by,
            addenda=tuple(domain.Addendum(a.at, a.by, a.reason, a.text) for a in note.addenda),
            content_hash=note.content_hash,
        ),
        observations=observations
        if observations is not None
        else tuple(observation_from_row(o) for o in row.observations),
    )


def observation_from_row(row: models.Observation) -> domain.Observation:
    """Convert one ORM observation to the domain object."""
    return domain.Observation(
        id=row.id,
        at=row.at,
        partner=PartnerKey(row.partner),
        stance=Stance(row.stance),
        intensity=row.intensity,
        boundary=None if row.boundary is None else Boundary(row.boundary),
        strategies=tuple(Strategy(s) for s in row.strategies),
        trigger=row.trigger,
        quote=row.quote,
        intervention=row.intervention,
        response=row.response,
        note=row.note,
    )


def list_intensives(session: Session) -> list[IntensiveListing]:
    """Every intensive with its couple code and first date, oldest first (none staged)."""
    first_date = (
        select(func.min(models.Day.date))
        .where(models.Day.intensive_id == models.Intensive.id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            models.Intensive.id,
            models.Couple.code,
            first_date,
            models.Intensive.title,
            models.Intensive.status,
        )
        .join(models.Couple)
        .where(models.Intensive.staged_at.is_(None))
        .order_by(models.Intensive.id)
    )
    return [
        IntensiveListing(
            id=i,
            couple_code=code,
            first_date=first,
            title=title,
            status=status,
        )
        for i, code, first, title, status in rows
    ]

"""Block notes: autosaved drafts with every save kept, signing, and addenda.

A clinical record never changes silently. Every save of a draft is a
revision; signing records who, when and the SHA-256 of the content, after
which the database triggers refuse any change and the only way to add is an
addendum (time, author, reason, text) that never hides the original.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.domain.intensive import Addendum, NoteSection, content_hash
from crucible.app.domain.vocabulary import NOTE_TEMPLATE
from crucible.app.services.clock import Clock, system_clock
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.store import models
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault


class SignedNoteError(InputError):
    """The note is signed: it can only gain addenda."""

    default_message = "This note is signed and cannot change; add an addendum instead."


@dataclass(frozen=True, slots=True)
class NoteState:
    """What the note editor shows for one block."""

    block_id: int
    sections: tuple[NoteSection, ...]
    signed_at: datetime | None
    signed_by: str | None
    content_hash: str | None
    addenda: tuple[Addendum, ...]
    revision_count: int

    @property
    def is_signed(self) -> bool:
        """Whether the note is locked by a signature."""
        return self.signed_at is not None


@dataclass(frozen=True, slots=True)
class Revision:
    """One saved version of a note."""

    id: int
    saved_at: datetime
    sections: tuple[NoteSection, ...]


def _note_row(session: Session, block_id: int, *, create: bool) -> models.BlockNote | None:
    block = session.get(
        models.Block,
        block_id,
        options=[
            selectinload(models.Block.note).selectinload(models.BlockNote.sections),
            selectinload(models.Block.note).selectinload(models.BlockNote.addenda),
        ],
    )
    if block is None:
        raise NotFoundError(f"There is no block with id {block_id} in this vault.")
    if block.note is None and create:
        block.note = models.BlockNote(
            sections=[
                models.NoteSection(position=i, title=title, text="")
                for i, title in enumerate(NOTE_TEMPLATE)
            ]
        )
        session.flush()
    return block.note


def load_note(vault: Vault, block_id: int) -> NoteState:
    """The note of a block; a block without one gets the empty default template.

    Read as plain rows in one read transaction: the ORM's loading of the
    block, its note, sections and addenda was most of reading a note, and
    every block open reads one (issue 19). The revisions are counted, not
    listed: autosave keeps one per pause in typing, hundreds on a long note.
    """
    with vault.session() as session:
        connection = session.connection()
        note = connection.execute(
            select(
                models.BlockNote.id,
                models.BlockNote.signed_at,
                models.BlockNote.signed_by,
                models.BlockNote.content_hash,
            ).where(models.BlockNote.block_id == block_id)
        ).first()
        if note is None:
            block = select(models.Block.id).where(models.Block.id == block_id)
            if connection.execute(block).first() is None:
                raise NotFoundError(f"There is no block with id {block_id} in this vault.")
            return NoteState(
                block_id, tuple(NoteSection(t, "") for t in NOTE_TEMPLATE), None, None, None, (), 0
            )
        note_id, signed_at, signed_by, stored_hash = note
        sections = connection.execute(
            select(models.NoteSection.title, models.NoteSection.text)
            .where(models.NoteSection.note_id == note_id)
            .order_by(models.NoteSection.position)
        )
        addenda = connection.execute(
            select(
                models.Addendum.at, models.Addendum.by, models.Addendum.reason, models.Addendum.text
            )
            .where(models.Addendum.note_id == note_id)
            .order_by(models.Addendum.id)
        )
        revisions = connection.execute(
            select(func.count(models.NoteRevision.id)).where(models.NoteRevision.note_id == note_id)
        )
        return NoteState(
            block_id=block_id,
            sections=tuple(NoteSection(title, text) for title, text in sections),
            signed_at=signed_at,
            signed_by=signed_by,
            content_hash=stored_hash,
            addenda=tuple(Addendum(at, by, reason, text) for at, by, reason, text in addenda),
            revision_count=int(revisions.scalar_one()),
        )


def save_note(
    vault: Vault, block_id: int, sections: Sequence[NoteSection], *, clock: Clock = system_clock
) -> bool:
    """Save a draft as a new revision; returns False when nothing changed (no revision).

    Sections are matched by position: titles and texts update in place, new
    positions are added, missing ones removed, all in one transaction.
    """
    with vault.write_session() as session:
        note = _note_row(session, block_id, create=True)
        assert note is not None
        if note.signed_at is not None:
            raise SignedNoteError()
        current = [(s.title, s.text) for s in note.sections]
        wanted = [(s.title, s.text) for s in sections]
        if current == wanted and note.revisions:
            return False
        rows = list(note.sections)
        for position, (title, text) in enumerate(wanted):
            if position < len(rows):
                rows[position].title, rows[position].text = title, text
            else:
                note.sections.append(models.NoteSection(position=position, title=title, text=text))
        for extra in rows[len(wanted) :]:
            note.sections.remove(extra)
        note.revisions.append(
            models.NoteRevision(
                saved_at=clock(), sections_json=json.dumps(wanted, ensure_ascii=False)
            )
        )
    return True


def note_revisions(vault: Vault, block_id: int) -> list[Revision]:
    """Every saved version of the note, oldest first, for the history view."""
    with vault.session() as session:
        note = _note_row(session, block_id, create=False)
        if note is None:
            return []
        rows = session.scalars(
            select(models.NoteRevision)
            .where(models.NoteRevision.note_id == note.id)
            .order_by(models.NoteRevision.id)
        ).all()
        return [
            Revision(
                r.id, r.saved_at, tuple(NoteSection(t, x) for t, x in json.loads(r.sections_json))
            )
            for r in rows
        ]


def sign_note(
    vault: Vault,
    block_id: int,
    signer: str,
    *,
    clock: Clock = system_clock,
    intensive_id: int | None = None,
) -> NoteState:
    """Sign the note as it stands: record signer, time and content hash; audit it."""
    if not signer.strip():
        raise InputError("A signature needs the signer's name.")
    now = clock()
    with vault.write_session() as session:
        note = _note_row(session, block_id, create=True)
        assert note is not None
        if note.signed_at is not None:
            raise SignedNoteError("This note is already signed.")
        if not note.revisions:
            note.revisions.append(
                models.NoteRevision(
                    saved_at=now,
                    sections_json=json.dumps(
                        [(s.title, s.text) for s in note.sections], ensure_ascii=False
                    ),
                )
            )
        note.content_hash = content_hash(NoteSection(s.title, s.text) for s in note.sections)
        note.signed_at, note.signed_by = now, signer
        append_event(
            session,
            at=now,
            actor=signer,
            action=AuditAction.NOTE_SIGNED,
            intensive_id=intensive_id,
            detail={"block": block_id, "content_hash": note.content_hash},
        )
    return load_note(vault, block_id)


def add_addendum(
    vault: Vault,
    block_id: int,
    *,
    by: str,
    reason: str,
    text: str,
    clock: Clock = system_clock,
    intensive_id: int | None = None,
) -> NoteState:
    """Append an addendum to a signed note; the original stays as it was."""
    if not reason.strip() or not text.strip():
        raise InputError("An addendum needs both a reason and its text.")
    now = clock()
    with vault.write_session() as session:
        note = _note_row(session, block_id, create=False)
        if note is None or note.signed_at is None:
            raise InputError("Only a signed note takes addenda; edit the draft instead.")
        note.addenda.append(models.Addendum(at=now, by=by, reason=reason, text=text))
        append_event(
            session,
            at=now,
            actor=by,
            action=AuditAction.ADDENDUM,
            intensive_id=intensive_id,
            detail={"block": block_id},
        )
    return load_note(vault, block_id)


def set_reflections(vault: Vault, intensive_id: int, text: str) -> None:
    """Save the trainee's reflections on the whole intensive."""
    with vault.write_session() as session:
        intensive = session.get(models.Intensive, intensive_id)
        if intensive is None:
            raise NotFoundError(f"There is no intensive with id {intensive_id} in this vault.")
        intensive.reflections = text

"""Signed notes checked against what was signed, without trusting the stored hash.

The stored `content_hash` is only a copy: someone with the data key can drop
the triggers, rewrite a signed section and put the triggers back. So the
check recomputes every signed note's hash with the domain's one definition
(`app.domain.intensive.content_hash`) and compares; and, since the stored
hash itself can be recomputed after such an edit, it also compares it with
the hash the audit trail recorded when the note was signed in the app or
came in signed with an import (`anchoring_actions`), whose keyed links that
person would have to rewrite too.

Problems name blocks and intensives by id only, never their text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crucible.app.domain.intensive import NoteSection, content_hash
from crucible.app.store import models


@dataclass(frozen=True, slots=True)
class SignedNote:
    """A signed note's ids and the hash stored when it was signed."""

    note_id: int
    block_id: int
    intensive_id: int
    stored_hash: str | None


def signed_notes(session: Session, intensive_id: int | None = None) -> list[SignedNote]:
    """Every signed note (of one intensive, if given), in block order."""
    query = (
        select(
            models.BlockNote.id,
            models.BlockNote.block_id,
            models.Day.intensive_id,
            models.BlockNote.content_hash,
        )
        .join(models.Block, models.Block.id == models.BlockNote.block_id)
        .join(models.Day, models.Day.id == models.Block.day_id)
        .where(models.BlockNote.signed_at.is_not(None))
        .order_by(models.BlockNote.block_id)
    )
    if intensive_id is not None:
        query = query.where(models.Day.intensive_id == intensive_id)
    return [SignedNote(*row) for row in session.execute(query)]


def _recomputed_hashes(session: Session, note_ids: list[int]) -> dict[int, str]:
    sections: dict[int, list[NoteSection]] = defaultdict(list)
    rows = session.execute(
        select(models.NoteSection.note_id, models.NoteSection.title, models.NoteSection.text)
        .where(models.NoteSection.note_id.in_(note_ids))
        .order_by(models.NoteSection.note_id, models.NoteSection.position)
    )
    for note_id, title, text in rows:
        sections[note_id].append(NoteSection(title, text))
    return {note_id: content_hash(sections[note_id]) for note_id in note_ids}


def _hashes_in_trail(session: Session, actions: Collection[str]) -> dict[int, str]:
    """The content hash each signing event recorded, by block id."""
    recorded: dict[int, str] = {}
    rows = session.scalars(
        select(models.AuditEvent.detail_json).where(models.AuditEvent.action.in_(sorted(actions)))
    )
    for detail_json in rows:
        try:
            detail = json.loads(detail_json)
        except ValueError:
            continue  # an unreadable event is the chain check's to report
        if not isinstance(detail, dict):
            continue
        block, digest = detail.get("block"), detail.get("content_hash")
        if isinstance(block, int) and isinstance(digest, str):
            recorded[block] = digest
    return recorded


def signature_problems(session: Session, anchoring_actions: Collection[str]) -> list[str]:
    """Every signed note whose text, stored hash or trail record disagree, one sentence each."""
    notes = signed_notes(session)
    recomputed = _recomputed_hashes(session, [note.note_id for note in notes])
    recorded = _hashes_in_trail(session, anchoring_actions)
    problems = []
    for note in notes:
        where = f"signed note of block {note.block_id} (intensive {note.intensive_id})"
        if note.stored_hash is None:
            problems.append(f"{where}: no content hash was recorded when it was signed")
        elif recomputed[note.note_id] != note.stored_hash:
            problems.append(f"{where}: content does not match its signature")
        trail = recorded.pop(note.block_id, None)
        if trail is not None and trail != note.stored_hash:
            problems.append(
                f"{where}: its content hash differs from the one the audit trail recorded"
            )
    problems.extend(
        f"signed note of block {block}: the audit trail records its signing, "
        "but the vault holds no signed note there"
        for block in sorted(recorded)
    )
    return problems


__all__ = ["SignedNote", "signature_problems", "signed_notes"]

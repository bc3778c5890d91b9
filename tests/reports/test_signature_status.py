"""A report recomputes the hash it prints and says so when the text no longer matches."""

from __future__ import annotations

from datetime import UTC, datetime

from crucible.app.domain.intensive import BlockNote, NoteSection, content_hash
from crucible.reports.notes import signature_holds, signature_status

SIGNED_AT = datetime(2026, 11, 2, 17, 30, tzinfo=UTC)
SECTIONS = (NoteSection("Summary", "As signed."),)


def test_a_matching_note_shows_its_hash_without_a_warning() -> None:
    """The recorded hash is the recomputed one: signed, hash shown, no alarm."""
    note = BlockNote(SECTIONS, SIGNED_AT, "J. Reyes", (), content_hash(SECTIONS))
    assert signature_holds(note)
    status = signature_status(note)
    assert status.startswith("Signed by J. Reyes")
    assert content_hash(SECTIONS)[:16] in status
    assert "DOES NOT MATCH" not in status


def test_a_changed_note_is_flagged_with_the_hash_it_was_signed_with() -> None:
    """Text changed after signing: the signed hash is printed, with the mismatch in words."""
    changed = (NoteSection("Summary", "Rewritten later."),)
    note = BlockNote(changed, SIGNED_AT, "J. Reyes", (), content_hash(SECTIONS))
    assert not signature_holds(note)
    status = signature_status(note)
    assert content_hash(SECTIONS)[:16] in status
    assert "CONTENT DOES NOT MATCH ITS SIGNATURE" in status


def test_a_note_without_a_recorded_hash_has_nothing_to_contradict() -> None:
    """A signed note not stored yet (no recorded hash) shows the computed one."""
    note = BlockNote(SECTIONS, SIGNED_AT, "J. Reyes")
    assert signature_holds(note)
    assert content_hash(SECTIONS)[:16] in signature_status(note)

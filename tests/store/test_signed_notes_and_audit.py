"""Signed notes cannot change even from raw SQL; the audit chain exposes tampering (test 12)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.services.integrity import full_check
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault

SIGNED_NOTE = "SELECT id FROM block_note WHERE signed_at IS NOT NULL ORDER BY id LIMIT 1"
UNSIGNED_NOTE = "SELECT id FROM block_note WHERE signed_at IS NULL ORDER BY id LIMIT 1"


@pytest.fixture
def filled(vault: Vault, sample_bytes: bytes) -> Vault:
    import_intensive(vault, sample_bytes, actor="test")
    return vault


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE block_note SET signed_by = 'someone else' WHERE id = :note",
        "UPDATE block_note SET signed_at = NULL WHERE id = :note",
        "DELETE FROM block_note WHERE id = :note",
        "UPDATE note_section SET text = 'rewritten' WHERE note_id = :note",
        "DELETE FROM note_section WHERE note_id = :note",
        "INSERT INTO note_section (note_id, position, title, text) VALUES (:note, 99, 't', 'x')",
        "UPDATE addendum SET text = 'rewritten' WHERE note_id = :note",
        "DELETE FROM addendum WHERE note_id = :note",
    ],
)
def test_raw_sql_cannot_change_a_signed_note(filled: Vault, statement: str) -> None:
    """Every UPDATE, DELETE or INSERT touching a signed note is refused by a trigger."""
    with filled.engine.connect() as connection:
        note = connection.execute(text(SIGNED_NOTE)).scalar_one()
        before = connection.execute(
            text("SELECT title, text FROM note_section WHERE note_id = :n ORDER BY position"),
            {"n": note},
        ).all()
    with (
        pytest.raises(IntegrityError, match="signed notes cannot be changed"),
        filled.engine.begin() as connection,
    ):
        connection.execute(text(statement), {"note": note})
    with filled.engine.connect() as connection:
        after = connection.execute(
            text("SELECT title, text FROM note_section WHERE note_id = :n ORDER BY position"),
            {"n": note},
        ).all()
    assert after == before


def test_unsigned_notes_stay_editable_and_signing_locks_them(filled: Vault) -> None:
    """A draft can be edited; once signed, the same edit is refused; addenda still go in."""
    with filled.engine.begin() as connection:
        note = connection.execute(text(UNSIGNED_NOTE)).scalar_one()
        connection.execute(
            text("UPDATE note_section SET text = 'draft edit' WHERE note_id = :n"), {"n": note}
        )
        connection.execute(
            text(
                "UPDATE block_note SET signed_at = '2026-11-25T10:00:00-05:00', "
                "signed_by = 'J' WHERE id = :n"
            ),
            {"n": note},
        )
    with pytest.raises(IntegrityError), filled.engine.begin() as connection:
        connection.execute(
            text("UPDATE note_section SET text = 'later' WHERE note_id = :n"), {"n": note}
        )
    with filled.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO addendum (note_id, at, by, reason, text) "
                "VALUES (:n, '2026-11-25T11:00:00-05:00', 'J', 'late detail', 'added')"
            ),
            {"n": note},
        )
        count = connection.execute(
            text("SELECT count(*) FROM addendum WHERE note_id = :n"), {"n": note}
        ).scalar()
    assert count == 1


def test_audit_trail_is_append_only(filled: Vault) -> None:
    """UPDATE and DELETE on audit events are refused."""
    for statement in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            filled.engine.begin() as connection,
        ):
            connection.execute(text(statement))


def test_a_tampered_audit_entry_is_reported(filled: Vault) -> None:
    """Someone who drops the trigger and edits an entry is caught by the chain check."""
    assert full_check(filled).problems == []
    with filled.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_no_update"))
        connection.execute(text("UPDATE audit_event SET action = 'nothing' WHERE id = 2"))
    problems = full_check(filled).problems
    assert problems == [
        "append_only_triggers: append-only trigger audit_no_update is missing",
        "audit_chain: audit event 2: was changed after it was written",
    ]


def test_a_removed_audit_entry_is_reported(filled: Vault) -> None:
    """Deleting an entry breaks the link of the one after it."""
    with filled.session() as session, session.begin():
        append_event(session, at=datetime.now(UTC), actor="test", action=AuditAction.EXPORT_JSON)
    with filled.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_no_delete"))
        connection.execute(text("DELETE FROM audit_event WHERE id = 2"))
    assert full_check(filled).problems == [
        "append_only_triggers: append-only trigger audit_no_delete is missing",
        "audit_chain: audit event 3: does not follow the event before it",
    ]

"""`crucible check` and reports against someone holding the data key (finding 5, second round).

The attacker here is a local program that has the data key (as one holding
the passphrase would): it opens vault.db with SQLCipher, drops the
append-only triggers, edits rows, recomputes whatever public hash the docs
describe, and puts the triggers back exactly as they were. The check must
still notice, without printing what the attacker wrote.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import Connection

from crucible.app.domain.intensive import NoteSection, content_hash
from tests.cli.conftest import Crucible
from tests.conftest import DATA, SAMPLE_PATH
from tests.safety.conftest import open_without_migrating

ALTERED = "ALTEREDbyAnAttackerZx9"
SIGNED_NOTE = "SELECT id FROM block_note WHERE signed_at IS NOT NULL ORDER BY id LIMIT 1"
FIXTURE_0001 = DATA / "vaults" / "schema-0001"
FIXTURE_PASSPHRASE = "fixture passphrase 0001"


def with_triggers_put_back(
    folder: Path, edit: Callable[[Connection], None], passphrase: str | None = None
) -> None:
    """Drop every trigger, run `edit` with the data key, recreate the triggers as they were."""
    vault = open_without_migrating(folder, *(() if passphrase is None else (passphrase,)))
    try:
        with vault.engine.begin() as connection:
            saved = connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            ).all()
            for name, _sql in saved:
                connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
            edit(connection)
            for _name, sql in saved:
                connection.exec_driver_sql(sql)
    finally:
        vault.lock()


def public_chain_hash(
    prev: str, at: str, actor: str, action: str, intensive: object, detail: str
) -> str:
    """The unkeyed SHA-256 link that docs/vault-format.md used to describe."""
    payload = json.dumps(
        [prev, at, actor, action, intensive, detail], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def recompute_chain_publicly(connection: Connection) -> None:
    """Rewrite every event's links with the public algorithm, as a careful forger would."""
    prev = "0" * 64
    rows = connection.exec_driver_sql(
        "SELECT id, at, actor, action, intensive_id, detail_json FROM audit_event ORDER BY id"
    ).all()
    for event_id, at, actor, action, intensive, detail in rows:
        digest = public_chain_hash(prev, at, actor, action, intensive, detail)
        connection.exec_driver_sql(
            "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, event_id)
        )
        prev = digest


def _edit_signed_note(connection: Connection, *, fix_hash: bool) -> None:
    note = connection.exec_driver_sql(SIGNED_NOTE).scalar_one()
    connection.exec_driver_sql(
        "UPDATE note_section SET text = ? WHERE note_id = ? AND position = 0", (ALTERED, note)
    )
    if fix_hash:
        sections = connection.exec_driver_sql(
            "SELECT title, text FROM note_section WHERE note_id = ? ORDER BY position", (note,)
        ).all()
        rehashed = content_hash(NoteSection(title, text) for title, text in sections)
        connection.exec_driver_sql(
            "UPDATE block_note SET content_hash = ? WHERE id = ?", (rehashed, note)
        )


@pytest.fixture
def imported(initialized: Crucible) -> Crucible:
    result = initialized("import", str(SAMPLE_PATH))
    assert result.status == 0, result.err
    return initialized


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def test_a_sound_vault_with_signed_notes_passes(imported: Crucible) -> None:
    """No false alarm: signatures, triggers and the keyed chain all check out."""
    result = imported("check")
    assert result.status == 0, result.err
    assert "All checks passed" in result.out


def test_check_recomputes_a_signed_note_edited_behind_the_triggers(imported: Crucible) -> None:
    """Triggers dropped, a signed section rewritten, triggers recreated: check fails."""
    with_triggers_put_back(imported.folder, lambda c: _edit_signed_note(c, fix_hash=False))
    result = imported("check")
    assert result.status == 1
    assert "content does not match its signature" in result.err
    assert ALTERED not in result.err + result.out


def test_a_rehashed_signed_note_is_caught_by_the_audit_trail(imported: Crucible) -> None:
    """The stored hash recomputed with the public definition still disagrees with the trail."""
    with_triggers_put_back(imported.folder, lambda c: _edit_signed_note(c, fix_hash=True))
    result = imported("check")
    assert result.status == 1
    assert "differs from the one the audit trail recorded" in result.err
    assert ALTERED not in result.err + result.out


def test_the_report_marks_a_note_that_no_longer_matches(imported: Crucible, tmp_path: Path) -> None:
    """The PDF recomputes the hash it prints and says loudly when the text was changed."""
    clean = tmp_path / "clean.pdf"
    assert imported("report", "1", "-o", str(clean)).status == 0
    assert "does not match" not in _pdf_text(clean)
    with_triggers_put_back(imported.folder, lambda c: _edit_signed_note(c, fix_hash=False))
    out = tmp_path / "tampered.pdf"
    result = imported("report", "1", "-o", str(out))
    assert result.status == 0, result.err
    text = " ".join(_pdf_text(out).split())
    assert "content does not match its signature" in text.lower()


def test_a_deleted_event_with_the_chain_recomputed_is_caught(imported: Crucible) -> None:
    """Deleting an event and relinking the chain with the public SHA-256 fails the keyed check."""

    def delete_and_relink(connection: Connection) -> None:
        connection.exec_driver_sql("DELETE FROM audit_event WHERE action = 'import'")
        recompute_chain_publicly(connection)

    with_triggers_put_back(imported.folder, delete_and_relink)
    result = imported("check")
    assert result.status == 1
    assert "audit event" in result.err


def test_a_missing_append_only_trigger_is_named(imported: Crucible) -> None:
    """A dropped trigger is reported by name, even though no row was changed."""
    vault = open_without_migrating(imported.folder)
    try:
        with vault.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER signed_section_no_update")
    finally:
        vault.lock()
    result = imported("check")
    assert result.status == 1
    assert "signed_section_no_update" in result.err
    assert "missing" in result.err


def test_a_weakened_trigger_is_named(imported: Crucible) -> None:
    """A trigger recreated under its own name with different SQL is reported as changed."""
    vault = open_without_migrating(imported.folder)
    try:
        with vault.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER audit_no_delete")
            connection.exec_driver_sql(
                "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_event WHEN 0 "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )
    finally:
        vault.lock()
    result = imported("check")
    assert result.status == 1
    assert "audit_no_delete" in result.err
    assert "changed" in result.err


def test_an_extra_trigger_on_a_protected_table_is_named(imported: Crucible) -> None:
    """A trigger that could quietly rewrite signed notes or events is not expected."""
    vault = open_without_migrating(imported.folder)
    try:
        with vault.engine.begin() as connection:
            connection.exec_driver_sql(
                "CREATE TRIGGER sneaky AFTER INSERT ON addendum BEGIN SELECT 1; END"
            )
    finally:
        vault.lock()
    result = imported("check")
    assert result.status == 1
    assert "sneaky" in result.err


def test_an_old_vault_keeps_its_unkeyed_events_and_keys_new_ones(
    tmp_path: Path, initialized: Crucible
) -> None:
    """A 0001 vault upgrades, verifies as it was, and is keyed from the switch-over on."""
    folder = tmp_path / "old"
    shutil.copytree(FIXTURE_0001, folder)
    old = Crucible(folder)
    stdin = FIXTURE_PASSPHRASE + "\n"
    result = old("check", stdin=stdin)
    assert result.status == 0, result.err

    def relink_publicly(connection: Connection) -> None:
        recompute_chain_publicly(connection)

    with_triggers_put_back(folder, relink_publicly, FIXTURE_PASSPHRASE)
    result = old("check", stdin=stdin)
    assert result.status == 1  # the events since the upgrade no longer verify
    assert "audit event" in result.err

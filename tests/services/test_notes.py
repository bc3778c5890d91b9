"""Block notes: revisions on every save, signing locks, addenda append (reliability test 12)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from crucible.app.domain.intensive import NoteSection, content_hash
from crucible.app.services.errors import InputError
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.notes import (
    SignedNoteError,
    add_addendum,
    load_note,
    note_revisions,
    save_note,
    set_reflections,
    sign_note,
)
from crucible.app.store.vault import Vault
from tests.conftest import FakeClock


@pytest.fixture
def draft_block(vault: Vault, sample_bytes: bytes) -> int:
    """The id of the sample's first unsigned block."""
    intensive = get_intensive(vault, import_intensive(vault, sample_bytes, actor="t"))
    block = next(b for d in intensive.days for b in d.blocks if not b.note.is_signed)
    assert block.id is not None
    return block.id


def _sections(*texts: str) -> list[NoteSection]:
    return [NoteSection(f"Section {i}", t) for i, t in enumerate(texts)]


def test_every_save_is_a_revision_and_unchanged_saves_are_not(
    vault: Vault, draft_block: int, clock: FakeClock
) -> None:
    """Two different saves make two revisions; saving the same text again adds none."""
    before = load_note(vault, draft_block).revision_count
    assert save_note(vault, draft_block, _sections("first"), clock=clock)
    clock.advance(60)
    assert save_note(vault, draft_block, _sections("first", "second"), clock=clock)
    assert not save_note(vault, draft_block, _sections("first", "second"), clock=clock)
    history = note_revisions(vault, draft_block)
    assert len(history) == before + 2
    assert history[-1].sections == tuple(_sections("first", "second"))
    assert history[-2].sections == tuple(_sections("first"))
    assert load_note(vault, draft_block).sections == tuple(_sections("first", "second"))


def test_saving_fewer_sections_removes_the_rest(vault: Vault, draft_block: int) -> None:
    """The note holds exactly the sections last saved, in order."""
    save_note(vault, draft_block, _sections("a", "b", "c"))
    save_note(vault, draft_block, _sections("only"))
    assert load_note(vault, draft_block).sections == tuple(_sections("only"))


def test_signing_records_hash_and_locks_the_note(
    vault: Vault, draft_block: int, clock: FakeClock
) -> None:
    """After signing: signer, time and the domain's content hash; saves and raw SQL refused."""
    save_note(vault, draft_block, _sections("signed text"), clock=clock)
    signed = sign_note(vault, draft_block, "Jordan Reyes, LMFT", clock=clock)
    assert signed.is_signed
    assert signed.signed_by == "Jordan Reyes, LMFT"
    assert signed.signed_at == clock.now
    assert signed.content_hash == content_hash(_sections("signed text"))
    with pytest.raises(SignedNoteError):
        save_note(vault, draft_block, _sections("changed"), clock=clock)
    with pytest.raises(IntegrityError), vault.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE note_section SET text = 'x' WHERE note_id = "
                "(SELECT id FROM block_note WHERE block_id = :b)"
            ),
            {"b": draft_block},
        )
    with pytest.raises(SignedNoteError, match="already signed"):
        sign_note(vault, draft_block, "Someone", clock=clock)
    assert load_note(vault, draft_block).sections == tuple(_sections("signed text"))


def test_addenda_append_without_touching_the_original(
    vault: Vault, draft_block: int, clock: FakeClock
) -> None:
    """Addenda need a signed note, a reason and text; they pile up oldest first."""
    with pytest.raises(InputError, match="Only a signed note"):
        add_addendum(vault, draft_block, by="J", reason="r", text="t", clock=clock)
    save_note(vault, draft_block, _sections("original"), clock=clock)
    sign_note(vault, draft_block, "J", clock=clock)
    with pytest.raises(InputError, match="reason and its text"):
        add_addendum(vault, draft_block, by="J", reason=" ", text="t", clock=clock)
    clock.advance(3600)
    add_addendum(vault, draft_block, by="J", reason="late detail", text="one", clock=clock)
    clock.advance(60)
    state = add_addendum(vault, draft_block, by="J", reason="correction", text="two", clock=clock)
    assert [a.text for a in state.addenda] == ["one", "two"]
    assert state.sections == tuple(_sections("original"))


def test_sign_and_addendum_are_audited_without_note_text(
    vault: Vault, draft_block: int, clock: FakeClock
) -> None:
    """The audit trail records the signature and the addendum, never the words."""
    save_note(vault, draft_block, _sections("SECRET-NOTE-WORDS"), clock=clock)
    sign_note(vault, draft_block, "J", clock=clock)
    add_addendum(vault, draft_block, by="J", reason="SECRET-REASON", text="SECRET-ADD", clock=clock)
    with vault.engine.connect() as connection:
        rows = connection.execute(text("SELECT action, detail_json FROM audit_event")).all()
    actions = [row[0] for row in rows]
    assert "sign" in actions
    assert "addendum" in actions
    assert not any("SECRET" in row[1] for row in rows)


def test_reflections_are_saved(vault: Vault, sample_bytes: bytes) -> None:
    """The trainee's reflections are stored on the intensive."""
    new_id = import_intensive(vault, sample_bytes, actor="t")
    set_reflections(vault, new_id, "What I noticed about my own pull to rescue.")
    assert get_intensive(vault, new_id).reflections.startswith("What I noticed")

"""The live workspace inside the main window: shown for blocks, kept through lock and unlock."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from crucible.app.services.notes import load_note
from crucible.app.services.observations import block_observations
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import press_live_key, unlock, wait_idle


def _first_block(desktop: Desktop) -> tuple[int, int]:
    from crucible.app.services import casebook

    couples = casebook.load_casebook(desktop.session.vault)
    intensive = couples[0].intensives[0]
    return intensive.id, intensive.days[0].blocks[1].id


def test_selecting_a_block_shows_the_live_workspace(qtbot: Any, unlocked: Desktop) -> None:
    """A block selected in the navigator fills the details with its workspace; F2 + Q logs."""
    session = unlocked.session
    intensive_id, block_id = _first_block(unlocked)
    assert session.workspace.select(("block", block_id))
    workspace = session.block_workspace
    assert workspace is not None
    assert workspace.isVisible()
    before = len(block_observations(session.vault, block_id))
    workspace.set_live(True)
    navigator = session.workspace.view.splitter.widget(0)
    assert not navigator.isVisible()  # live mode gives the navigator's room to the pad
    press_live_key(qtbot, workspace, Qt.Key.Key_Q)
    assert len(block_observations(session.vault, block_id)) == before + 1
    workspace.set_live(False)
    assert navigator.isVisible()
    assert session.workspace.select(("intensive", intensive_id))
    assert not workspace.isVisible()


def test_a_draft_typed_just_before_lock_is_saved_and_the_block_comes_back(
    qtbot: Any, unlocked: Desktop
) -> None:
    """Ctrl+L mid-sentence keeps the draft; unlocking returns to the same block's workspace."""
    session = unlocked.session
    _intensive_id, block_id = _first_block(unlocked)
    session.workspace.select(("block", block_id))
    editor = session.block_workspace.note.view.editors[0]
    editor.setFocus()
    editor.setPlainText("Draft typed a moment before the lock.")
    session.lock()
    assert session.block_workspace is None
    unlock(qtbot, unlocked)
    wait_idle(qtbot, unlocked)
    assert session.workspace.selected_key() == ("block", block_id)
    assert session.block_workspace is not None
    state = load_note(session.vault, block_id)
    assert state.sections[0].text == "Draft typed a moment before the lock."
    shown = session.block_workspace.note.view.editors[0].toPlainText()
    assert shown == "Draft typed a moment before the lock."

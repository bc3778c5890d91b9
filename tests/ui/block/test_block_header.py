"""The block page's record line follows the workspace: logging, undo, delete, signing, addenda."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from crucible.app.services import casebook
from crucible.app.ui.block.note_dialogs import AddendumDialog
from crucible.app.ui.casebook.navigator_model import SUMMARY_ROLE
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import press_live_key


def _unsigned_block(desktop: Desktop) -> tuple[int, int, int]:
    """(intensive id, block id, observation count) of Day 1's unsigned "Individual: partner A"."""
    intensive = casebook.load_casebook(desktop.session.vault)[0].intensives[0]
    block = intensive.days[0].blocks[1]
    assert not block.signed
    return intensive.id, block.id, block.observation_count


def test_the_record_line_follows_every_change_without_a_reload(
    qtbot: Any, unlocked: Desktop
) -> None:
    """Keys, undo, delete, Sign and an addendum each update the line at once (no lock/unlock)."""
    session = unlocked.session
    intensive_id, block_id, count = _unsigned_block(unlocked)
    assert session.workspace.select(("block", block_id))
    record = session.workspace.view.details.block_record
    assert record.text() == f"Note not signed; {count} observations"
    workspace = session.block_workspace
    workspace.set_live(True)
    for key in (Qt.Key.Key_Q, Qt.Key.Key_A, Qt.Key.Key_P):
        press_live_key(qtbot, workspace, key)
    assert record.text() == f"Note not signed; {count + 3} observations"
    workspace.undo_stack.undo()
    assert record.text() == f"Note not signed; {count + 2} observations"
    workspace.set_live(False)
    table = workspace.view.table.table
    table.selectRow(0)
    workspace.view.table.delete.click()
    assert record.text() == f"Note not signed; {count + 1} observations"

    workspace.view.tabs.setCurrentWidget(workspace.view.note)
    workspace.view.note.sign.click()
    box = workspace.note.dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert record.text() == f"Signed note; {count + 1} observations"
    details = session.workspace.view.details
    assert not details.remove_block.isEnabled()  # a signed block cannot be removed

    workspace.view.note.addendum.click()
    dialog = workspace.note.dialog
    assert isinstance(dialog, AddendumDialog)
    dialog.reason.setText("Correction")
    dialog.text.setPlainText("A fictional addendum.")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert record.text() == f"Signed note, 1 addendum; {count + 1} observations"

    # The navigator and the intensive page agree without a reload.
    index = session.workspace.model.find(("block", block_id))
    assert "signed" in index.data()
    assert index.data(SUMMARY_ROLE).observation_count == count + 1
    assert session.workspace.select(("intensive", intensive_id))
    assert details.intensive_records.text() == "7 blocks, 3 signed notes"

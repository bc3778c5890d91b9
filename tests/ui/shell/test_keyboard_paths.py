"""The note is reached, written and signed from the keyboard alone, as tests/e2e does for real."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from crucible.app.services.notes import load_note
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import wait_idle

ALT = Qt.KeyboardModifier.AltModifier


def _open_first_block(qtbot: Any, desktop: Desktop) -> Any:
    from crucible.app.services import casebook

    session = desktop.session
    couples = casebook.load_casebook(session.vault)
    blocks = [b for day in couples[0].intensives[0].days for b in day.blocks]
    block_id = next(b.id for b in blocks if not b.signed)
    desktop.window.activateWindow()
    qtbot.waitUntil(desktop.window.isActiveWindow)
    assert session.workspace.select(("block", block_id))
    session.workspace.view.tree.setFocus()
    return session.block_workspace, block_id


def _press(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = ALT) -> None:
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def test_alt_e_opens_the_note_with_the_cursor_in_it(qtbot: Any, unlocked: Desktop) -> None:
    """Alt+E shows the Note tab and puts the cursor in its text: typing writes the note."""
    workspace, _block_id = _open_first_block(qtbot, unlocked)
    _press(qtbot, Qt.Key.Key_E)
    assert workspace.view.tabs.currentWidget() is workspace.view.note
    section = workspace.view.note.sections.currentRow()
    assert QApplication.focusWidget() is workspace.view.note.editors[section]


def test_alt_s_signs_the_note_after_asking(qtbot: Any, unlocked: Desktop) -> None:
    """On the note, Alt+S asks; Alt+S in the question signs (Enter would cancel)."""
    workspace, block_id = _open_first_block(qtbot, unlocked)
    _press(qtbot, Qt.Key.Key_E)
    qtbot.keyClicks(QApplication.focusWidget(), " Signed from the keyboard.")
    _press(qtbot, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: workspace.note.dialog is not None)  # a mnemonic clicks after 100 ms
    box = workspace.note.dialog
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    box.activateWindow()
    qtbot.waitUntil(box.isActiveWindow)
    _press(qtbot, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: workspace.note.state is not None and workspace.note.state.is_signed)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is unlocked.window)  # keyboard is back
    note = load_note(unlocked.session.vault, block_id)
    assert note.is_signed
    assert note.sections[0].text.endswith(" Signed from the keyboard.")
    wait_idle(qtbot, unlocked)

"""Focus: shortcuts work again after any dialog, and the lock screen takes the keyboard.

The offscreen platform moves the focus to the lock screen on its own even
without the fix; tests/e2e (a real X server) is what catches that regression.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from crucible.app.ui.casebook.couple_dialog import CoupleDialog
from crucible.app.ui.shell.launch import Desktop
from crucible.app.ui.shell.settings_dialog import SettingsDialog
from tests.ui.conftest import visible_dialog, wait_idle

CTRL = Qt.KeyboardModifier.ControlModifier


def _activate(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _press(qtbot: Any, key: Qt.Key, modifier: Qt.KeyboardModifier = CTRL) -> None:
    """A key press where a person's would land: the focused widget of the active window."""
    target = QApplication.focusWidget() or QApplication.activeWindow()
    assert target is not None, "no window has the keyboard"
    qtbot.keyClick(target, key, modifier)


def test_shortcuts_work_after_a_dialog_is_cancelled(qtbot: Any, unlocked: Desktop) -> None:
    """Escape closes New couple; the main window has the keyboard again and Ctrl+L locks."""
    window = unlocked.window
    _activate(qtbot, window)
    unlocked.session.workspace.view.tree.setFocus()
    window.new_couple.trigger()
    dialog = visible_dialog(CoupleDialog)
    _activate(qtbot, dialog)
    _press(qtbot, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    assert QApplication.focusWidget() is unlocked.session.workspace.view.tree
    with qtbot.waitSignal(unlocked.session.locked, timeout=2000):
        _press(qtbot, Qt.Key.Key_L)


def test_shortcuts_work_after_a_dialog_is_accepted(qtbot: Any, unlocked: Desktop) -> None:
    """After creating a couple with Enter, Ctrl+N opens New intensive at once."""
    window = unlocked.window
    _activate(qtbot, window)
    window.new_couple.trigger()
    dialog = visible_dialog(CoupleDialog)
    _activate(qtbot, dialog)
    dialog.code.setText("C-0100")
    name_a, name_b = dialog.partner_fields["A"][0], dialog.partner_fields["B"][0]
    name_a.setText("Avery")
    name_b.setText("Blair")
    dialog.code.setFocus()
    _press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    _press(qtbot, Qt.Key.Key_N)
    opened = [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and w.windowTitle().startswith("Crucible — New intensive")
    ]
    assert len(opened) == 1
    opened[0].reject()


def test_lock_while_a_dialog_is_open_focuses_the_passphrase(qtbot: Any, unlocked: Desktop) -> None:
    """An idle lock closes the open Settings dialog; the lock screen still gets the keyboard."""
    _activate(qtbot, unlocked.window)
    unlocked.window.settings.trigger()
    dialog = visible_dialog(SettingsDialog)
    _activate(qtbot, dialog)
    unlocked.session.lock()
    qtbot.waitUntil(unlocked.window.isActiveWindow, timeout=2000)
    qtbot.waitUntil(unlocked.session.unlock_view.passphrase.hasFocus, timeout=2000)


def test_lock_shortcut_works_from_the_backups_window(qtbot: Any, unlocked: Desktop) -> None:
    """Ctrl+L locks from any window of the app, not only the main one."""
    wait_idle(qtbot, unlocked)
    unlocked.window.backups.trigger()
    backups = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible() and w.windowTitle().startswith("Crucible — Backups")
    )
    _activate(qtbot, backups)
    with qtbot.waitSignal(unlocked.session.locked, timeout=5000):
        _press(qtbot, Qt.Key.Key_L)
    qtbot.waitUntil(unlocked.session.unlock_view.passphrase.hasFocus, timeout=2000)

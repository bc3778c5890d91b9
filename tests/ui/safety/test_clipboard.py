"""The clipboard guard: the app's copies are cleared after 30 s, and at lock; others' are not."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from crucible.app.ui.shell.clipboard_guard import ClipboardGuard
from crucible.app.ui.shell.launch import Desktop

COPIED = "Dana Whitfield said the weekend felt different"


class Source:
    """Decides whether the next clipboard change counts as the app's own."""

    def __init__(self) -> None:
        self.ours = True

    def __call__(self) -> bool:
        return self.ours


def _guard(qtbot: Any) -> tuple[ClipboardGuard, QTimer, Source]:
    timer, source = QTimer(), Source()
    guard = ClipboardGuard(QGuiApplication.clipboard(), timer=timer, made_here=source)
    return guard, timer, source


def test_app_copy_is_cleared_after_thirty_seconds(qtbot: Any) -> None:
    """Text the app copied is gone once the (injected) 30-second timer fires, if still there."""
    guard, timer, _source = _guard(qtbot)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(COPIED)  # e.g. Ctrl+C in a note field
    assert guard.watched_text == COPIED
    assert timer.isActive()
    assert timer.interval() == 30_000
    timer.stop()
    timer.timeout.emit()  # thirty seconds later
    assert clipboard.text() == ""
    assert guard.watched_text is None


def test_another_programs_copy_is_left_alone(qtbot: Any) -> None:
    """If the user copied something else meanwhile (elsewhere), the timer clears nothing."""
    guard, timer, source = _guard(qtbot)
    clipboard = QGuiApplication.clipboard()
    guard.copy(COPIED)
    source.ours = False
    clipboard.setText("a shopping list from another program")
    assert not timer.isActive()
    timer.timeout.emit()
    assert clipboard.text() == "a shopping list from another program"
    assert guard.clear_now() is False


def test_lock_clears_the_apps_copy(qtbot: Any, unlocked: Desktop) -> None:
    """Text copied from a field of the app does not survive the lock."""
    unlocked.window.activateWindow()
    field = unlocked.session.workspace.view.filter
    field.setText("Whitfield")
    field.selectAll()
    field.copy()
    guard = unlocked.session.clipboard_guard
    assert guard.watched_text == "Whitfield"
    unlocked.session.lock()
    assert QGuiApplication.clipboard().text() == ""

"""The idle lock watches the app's windows, where the platform delivers input, not every event.

Issue 16: an application-wide event filter ran Python for every event of
every object, some 2,000 for each block opened on the ten-year vault.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtTest import QTest

from crucible.app.domain.foreground import WINDOW_S, Foreground
from crucible.app.services import casebook
from crucible.app.ui.casebook.couple_dialog import CoupleDialog
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import IdleClock, visible_dialog


def _counting(desktop: Desktop, monkeypatch: Any) -> list[QEvent.Type]:
    """Every event the idle watcher is shown, from now on."""
    watcher = desktop.session.idle
    seen: list[QEvent.Type] = []
    original = watcher.eventFilter

    def counted(watched: QObject, event: QEvent) -> bool:
        seen.append(event.type())
        return original(watched, event)

    monkeypatch.setattr(watcher, "eventFilter", counted)
    return seen


def test_opening_a_block_passes_few_events_through_the_watcher(
    unlocked: Desktop, monkeypatch: Any
) -> None:
    """A block opened (no input) shows the watcher its window's events only, not its widgets'."""
    session = unlocked.session
    intensive = casebook.load_casebook(session.vault)[0].intensives[0]
    blocks = [b.id for day in intensive.days for b in day.blocks]
    seen = _counting(unlocked, monkeypatch)
    for block in blocks[:3]:
        assert session.workspace.select(("block", block))
        unlocked.window.repaint()
    assert session.block_workspace is not None
    assert len(seen) < 30, seen  # an application-wide filter saw thousands


def test_a_mouse_move_in_the_window_postpones_the_lock(
    qtbot: Any, unlocked: Desktop, idle_clock: IdleClock
) -> None:
    """Moving the mouse over the window counts as activity."""
    session = unlocked.session
    idle_clock.advance(9 * 60)
    QTest.mouseMove(unlocked.window.windowHandle(), QPoint(200, 200))
    _locks_only_a_full_idle_time_later(qtbot, session, idle_clock)


def test_typing_in_a_dialog_opened_after_unlock_postpones_the_lock(
    qtbot: Any, unlocked: Desktop, idle_clock: IdleClock
) -> None:
    """A dialog's own window is watched too, from the moment it takes the focus or is checked."""
    session = unlocked.session
    unlocked.window.new_couple.trigger()
    dialog = visible_dialog(CoupleDialog)
    qtbot.wait(60)  # a check or two: the dialog's window is watched
    idle_clock.advance(9 * 60)
    dialog.code.setFocus()
    QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_C)
    assert dialog.code.text().lower() == "c"
    _locks_only_a_full_idle_time_later(qtbot, session, idle_clock)


def test_a_key_or_click_in_the_window_asks_background_work_to_step_aside(
    unlocked: Desktop,
) -> None:
    """Decision 0032: input the clinician waits on pauses an import's Python; a mouse move not."""
    vault = unlocked.session.vault
    assert vault is not None
    now = [500.0]
    vault.foreground = Foreground(clock=lambda: now[0])
    window = unlocked.window.windowHandle()
    QTest.mouseMove(window, QPoint(220, 210))
    assert not vault.foreground.wanted
    QTest.keyClick(window, Qt.Key.Key_Shift)
    assert vault.foreground.wanted
    now[0] += WINDOW_S
    assert not vault.foreground.wanted
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert vault.foreground.wanted


def test_a_lock_stops_watching_every_window(
    qtbot: Any, unlocked: Desktop, monkeypatch: Any
) -> None:
    """Locked, input reaches no watcher: nothing is left to protect."""
    session = unlocked.session
    session.lock()
    seen = _counting(unlocked, monkeypatch)
    QTest.mouseMove(unlocked.window.windowHandle(), QPoint(150, 150))
    QTest.keyClick(unlocked.window.windowHandle(), Qt.Key.Key_Shift)
    qtbot.wait(30)
    assert seen == []


def _locks_only_a_full_idle_time_later(qtbot: Any, session: Any, idle_clock: IdleClock) -> None:
    """Nine minutes after the input the vault is open; ten minutes after, it locks."""
    idle_clock.advance(9 * 60)
    qtbot.wait(60)
    assert session.vault is not None
    idle_clock.advance(2 * 60)
    with qtbot.waitSignal(session.locked, timeout=2000):
        pass

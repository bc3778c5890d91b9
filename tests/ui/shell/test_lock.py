"""Locking (reliability test 9): the lock screen, nothing readable left, no handle on the vault."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication

from crucible.app.services import casebook
from crucible.app.ui.casebook.couple_dialog import CoupleDialog
from crucible.app.ui.kit.prompts import show_error
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import (
    IdleClock,
    add_couple,
    add_template_intensive,
    all_text,
    unlock,
    visible_dialog,
    wait_idle,
)

CANARY = "Zyxcanary"


def _add_canary_couple(desktop: Desktop) -> tuple[str, int]:
    ws = desktop.session.workspace
    couple_id = add_couple(ws.vault, f"C-{CANARY}", (f"{CANARY} Ames", f"Bell {CANARY}"))
    intensive_id = add_template_intensive(ws.vault, couple_id, f"Intensive {CANARY}")
    block = casebook.load_casebook(ws.vault)
    block_id = next(
        i.days[1].blocks[2].id for c in block for i in c.intensives if i.id == intensive_id
    )
    ws.refresh(("block", block_id))
    return "block", block_id


def _model_strings(model: QAbstractItemModel, parent: QModelIndex | None = None) -> list[str]:
    parent = parent or QModelIndex()
    found: list[str] = []
    for row in range(model.rowCount(parent)):
        try:
            columns = model.columnCount(parent)
        except TypeError:  # list models (a QListWidget's) keep columnCount private
            columns = 1
        for column in range(columns):
            index = model.index(row, column, parent)
            for role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
                Qt.ItemDataRole.AccessibleTextRole,
            ):
                value = index.data(role)
                if isinstance(value, str):
                    found.append(value)
            found.extend(_model_strings(model, index))
    return found


def _readable_text() -> str:
    parts = [all_text(widget) for widget in QApplication.allWidgets()]
    for widget in QApplication.allWidgets():
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            parts.extend(_model_strings(widget.model()))
    for obj in gc.get_objects():
        if isinstance(obj, QAbstractItemModel):
            try:
                parts.extend(_model_strings(obj))
            except RuntimeError:  # a wrapper whose C++ model is already gone
                continue
    return "\n".join(parts)


def _vault_fds(folder: Path) -> list[str]:
    names = {"vault.db", "vault.db-wal", "vault.db-shm", "vault.db-journal", "vault.key"}
    targets = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder.resolve())) and Path(target).name in names:
            targets.append(target)
    return targets


def test_idle_lock_leaves_nothing_and_returns_to_the_same_item(
    qtbot: Any, unlocked: Desktop, idle_clock: IdleClock, demo_vault: Path
) -> None:
    """Idle: lock screen, no client text anywhere, engine gone, no fd; unlock returns there."""
    session = unlocked.session
    key = _add_canary_couple(unlocked)
    session.workspace.view.filter.setText(CANARY.lower())
    assert session.workspace.selected_key() == key
    assert CANARY in _readable_text()
    unlocked.window.new_couple.trigger()
    visible_dialog(CoupleDialog).code.setText(f"typed {CANARY}")
    show_error(unlocked.window, "An error box that must close too.")
    vault = session.vault
    assert _vault_fds(demo_vault), "the open vault should hold its database file"

    idle_clock.advance(9 * 60)
    qtbot.wait(60)
    assert session.vault is not None
    idle_clock.advance(61)
    with qtbot.waitSignal(session.locked, timeout=2000):
        pass

    assert unlocked.window.stack.currentWidget() is session.unlock_view
    assert unlocked.window.windowTitle() == "Crucible — Locked"
    assert session.unlock_view.title.text() == "Crucible is locked"
    qtbot.wait(10)
    assert CANARY not in _readable_text()
    assert CANARY.lower() not in _readable_text().lower()
    assert vault.is_locked
    assert _vault_fds(demo_vault) == []
    assert not [
        w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not unlocked.window
    ]
    assert not any(a.isEnabled() for a in unlocked.window.vault_actions)

    unlock(qtbot, unlocked)
    assert session.workspace.selected_key() == key
    assert session.workspace.view.filter.text() == CANARY.lower()
    assert session.workspace.view.details.block_title.text() == "Closing and plan"


def test_input_postpones_the_idle_lock(
    qtbot: Any, unlocked: Desktop, idle_clock: IdleClock
) -> None:
    """Typing counts as activity: the idle time starts again from the last key.

    The key comes through the window, as the platform delivers it.
    """
    session = unlocked.session
    idle_clock.advance(9 * 60)
    session.workspace.view.filter.setFocus()
    QTest.keyClick(unlocked.window.windowHandle(), Qt.Key.Key_A)
    assert session.workspace.view.filter.text() == "a"
    idle_clock.advance(9 * 60)
    qtbot.wait(60)
    assert session.vault is not None
    idle_clock.advance(2 * 60)
    with qtbot.waitSignal(session.locked, timeout=2000):
        pass


def test_lock_shortcut(qtbot: Any, unlocked: Desktop) -> None:
    """Ctrl+L locks at once, and the next unlock works."""
    window = unlocked.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(unlocked.session.locked, timeout=2000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    unlock(qtbot, unlocked)
    wait_idle(qtbot, unlocked)
    assert unlocked.session.workspace is not None

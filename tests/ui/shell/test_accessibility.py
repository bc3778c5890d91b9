"""Every focusable control has an accessible name; every window title starts with Crucible."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QWidget,
)

from crucible.app.ui.shell.launch import Desktop

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


def _inside_named_control(widget: QWidget) -> bool:
    """The editor or popup list inside a combo box or spin box, named by its owner."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, CONTROLS) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if _inside_named_control(widget):
            continue
        if not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r}")
    return missing


def test_setup_controls_are_named(start_desktop: Callable[..., Desktop]) -> None:
    """The first-run screens name every control."""
    desktop = start_desktop()
    assert _unnamed(desktop.window) == []


def test_workspace_and_dialogs_are_named(qtbot: Any, unlocked: Desktop) -> None:
    """The workspace, and each dialog opened from the menus, name every control."""
    assert _unnamed(unlocked.window) == []
    ws = unlocked.session.workspace
    ws.select(("intensive", 1))
    for action in (
        unlocked.window.new_couple,
        unlocked.window.new_intensive,
        unlocked.window.settings,
    ):
        action.trigger()
        dialogs = [
            w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not unlocked.window
        ]
        assert len(dialogs) == 1
        assert dialogs[0].windowTitle().startswith("Crucible")
        assert _unnamed(dialogs[0]) == []
        dialogs[0].close()

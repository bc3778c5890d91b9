"""At lock, clear() leaves no client text anywhere; every control is named and reachable."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QWidget,
)

from crucible.app.ui.block import BlockController
from tests.ui.block.conftest import DAY2, Demo, focus, log_live
from tests.ui.conftest import all_text

CANARY = "Canary-Zephyr-7731"
CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView)


def _client_strings(demo: Demo) -> list[str]:
    block = next(b for d in demo.intensive.days for b in d.blocks if b.title == DAY2)
    quotes = [o.quote for o in block.observations if o.quote]
    return [CANARY, "Dana Whitfield", "Sam Okafor", DAY2, "Fictional note", *quotes]


def _every_text(root: QWidget) -> str:
    parts = []
    for widget in [root, *root.findChildren(QWidget)]:
        parts.append(all_text(widget))
        if isinstance(widget, QListWidget):
            parts.extend(widget.item(i).text() for i in range(widget.count()))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    parts.append(str(model.index(row, column).data()))
    return "\n".join(parts)


def test_clear_leaves_no_client_text_in_any_widget(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Names, title, notes, quotes, typed details and open dialogs: all gone after clear()."""
    pad = log_live(qtbot, workspace, Qt.Key.Key_Q)
    qtbot.keyClick(pad, Qt.Key.Key_Return)
    qtbot.keyClicks(pad.detail_fields["trigger"], CANARY)  # the details row left open
    workspace.view.note.editors[2].appendPlainText(CANARY)
    workspace.view.note.reflections.click()  # a dialog left open holding text
    workspace.note.dialog.text.setPlainText(CANARY)  # type: ignore[union-attr]
    workspace.view.timeline.ensure_plot()
    before = _every_text(workspace)
    assert [text for text in _client_strings(demo) if text not in before] == []

    workspace.save_pending()
    workspace.clear()

    after = _every_text(workspace)
    leaked = [text for text in _client_strings(demo) if text in after]
    assert leaked == []
    assert not workspace.live
    assert workspace.table_model.rowCount() == 0
    assert workspace.undo_stack.count() == 0
    assert workspace.timeline.series().points == {"A": (), "B": ()}
    plot = workspace.view.timeline.plot
    assert plot.getPlotItem().getAxis("bottom")._tickLevels == [[], []]
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog)]
    assert [d for d in dialogs if d.isVisible()] == []


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not isinstance(widget, CONTROLS) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        parent = widget.parentWidget()
        inside = False
        while parent is not None:
            inside = inside or isinstance(parent, QAbstractSpinBox | QComboBox)
            parent = parent.parentWidget()
        if not inside and not widget.accessibleName():
            missing.append(f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()!r}")
    return missing


def test_every_control_has_an_accessible_name(workspace: BlockController) -> None:
    """The workspace and each of its dialogs name every focusable control."""
    assert _unnamed(workspace) == []
    note = workspace.view.note
    for button in (note.history, note.reflections, note.sign):
        button.click()
        dialog = workspace.note.dialog
        assert dialog is not None
        assert dialog.windowTitle().startswith("Crucible")
        assert _unnamed(dialog) == []
        dialog.reject()


def test_the_pad_is_reachable_by_keyboard(qtbot: Any, workspace: BlockController) -> None:
    """Tab reaches the live switch and the key caps; Space on a cap logs."""
    pad = workspace.view.pad
    focus(qtbot, pad.live_button)
    reached = set()
    widget: QWidget | None = pad.live_button
    for _ in range(60):
        assert widget is not None
        reached.add(widget)
        widget = widget.nextInFocusChain()
        while widget is not None and widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            widget = widget.nextInFocusChain()
    assert set(pad.caps) <= reached
    rows = workspace.table_model.rowCount()
    cap = pad.caps[0]
    focus(qtbot, cap)
    qtbot.keyClick(cap, Qt.Key.Key_Space)
    assert workspace.table_model.rowCount() == rows + 1

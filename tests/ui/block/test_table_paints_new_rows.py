"""Issue 19: a live key paints the table's new row, not the whole table, and the screen stays right.

The table view lays itself out after a key without repainting the cells
already on screen (`AppendingTableView`). What the clinician sees must be
exactly what a whole repaint would draw, so these tests compare the window's
pixels, as last painted, with a fresh render of the same table, after keys
that scroll the table, after a key with the table scrolled up, and after an
undo that removes a row (which must take Qt's whole layout).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from crucible.app.ui.block import BlockController
from tests.conftest import FakeClock
from tests.ui.block.conftest import Demo, open_block

KEYS = (Qt.Key.Key_Q, Qt.Key.Key_M, Qt.Key.Key_A, Qt.Key.Key_P, Qt.Key.Key_Z, Qt.Key.Key_L)


class PaintSpy(QObject):
    """Collects the regions a widget is asked to paint."""

    def __init__(self) -> None:
        super().__init__()
        self.rects: list[QRect] = []

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        """Note each paint's bounding rectangle."""
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.region().boundingRect())  # type: ignore[attr-defined]
        return False


def _on_screen_equals_fresh_paint(workspace: BlockController) -> bool:
    """Whether the table's pixels in the window's backing store equal a fresh render of it."""
    QApplication.processEvents()
    return _shown(workspace) == _fresh(workspace)


def _settle(qtbot: Any) -> None:
    """Let every repaint already due land, so the next comparison sees only what keys painted."""
    qtbot.wait(300)


def _shown(workspace: BlockController) -> QImage:
    viewport = workspace.view.table.table.viewport()
    origin = viewport.mapTo(workspace, viewport.rect().topLeft())
    screen = QApplication.primaryScreen().grabWindow(workspace.winId())
    ratio = screen.devicePixelRatio()
    image = screen.copy(
        int(origin.x() * ratio),
        int(origin.y() * ratio),
        int(viewport.width() * ratio),
        int(viewport.height() * ratio),
    ).toImage()
    return image.convertToFormat(QImage.Format.Format_RGB32)


def _fresh(workspace: BlockController) -> QImage:
    image = workspace.view.table.table.viewport().grab().toImage()
    return image.convertToFormat(QImage.Format.Format_RGB32)


def _press(qtbot: Any, workspace: BlockController, clock: FakeClock, count: int) -> None:
    for n in range(count):
        clock.advance(15)
        qtbot.keyClick(workspace.view.pad, KEYS[n % len(KEYS)])
        QApplication.processEvents()  # each key painted before the next, as a person types


def _go_live(workspace: BlockController, clock: FakeClock) -> None:
    assert workspace.record is not None
    clock.now = workspace.record.at(len(workspace.record) - 1).at + timedelta(minutes=1)
    workspace.set_live(True)


def test_live_keys_paint_only_their_rows_and_the_screen_matches_a_whole_repaint(
    qtbot: Any, workspace: BlockController, session_clock: FakeClock
) -> None:
    _go_live(workspace, session_clock)
    table = workspace.view.table.table
    rows_shown = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    _press(qtbot, workspace, session_clock, rows_shown + 5)  # enough for the table to scroll
    assert table.verticalScrollBar().value() == table.verticalScrollBar().maximum() > 0
    assert _on_screen_equals_fresh_paint(workspace)

    _settle(qtbot)
    spy = PaintSpy()
    table.viewport().installEventFilter(spy)
    layouts = table.whole_layouts
    _press(qtbot, workspace, session_clock, 6)
    QApplication.processEvents()

    assert table.whole_layouts == layouts
    row_height = table.verticalHeader().defaultSectionSize()
    assert spy.rects, "the new rows were never painted"
    assert max(r.height() for r in spy.rects) <= 2 * row_height
    assert table.verticalScrollBar().value() == table.verticalScrollBar().maximum()
    assert _on_screen_equals_fresh_paint(workspace)


def test_a_key_with_the_table_scrolled_up_still_shows_the_new_row_correctly(
    qtbot: Any, workspace: BlockController, session_clock: FakeClock
) -> None:
    _go_live(workspace, session_clock)
    table = workspace.view.table.table
    rows_shown = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    _press(qtbot, workspace, session_clock, rows_shown + 3)
    table.scrollToTop()
    _settle(qtbot)

    _press(qtbot, workspace, session_clock, 2)

    last = workspace.table_model.rowCount() - 1
    assert table.viewport().rect().contains(table.visualRect(table.model().index(last, 0)))
    assert _on_screen_equals_fresh_paint(workspace)


def test_undoing_a_key_lays_the_whole_table_out_again(
    qtbot: Any, workspace: BlockController, session_clock: FakeClock
) -> None:
    _go_live(workspace, session_clock)
    table = workspace.view.table.table
    _press(qtbot, workspace, session_clock, 3)
    rows = workspace.table_model.rowCount()
    layouts = table.whole_layouts
    _settle(qtbot)

    workspace.undo_stack.undo()
    QApplication.processEvents()

    assert workspace.table_model.rowCount() == rows - 1
    assert table.whole_layouts > layouts
    assert _on_screen_equals_fresh_paint(workspace)


def test_a_key_in_a_table_not_yet_full_paints_its_new_row(
    qtbot: Any, make_workspace: Any, demo: Demo, session_clock: FakeClock
) -> None:
    workspace = make_workspace()
    open_block(qtbot, workspace, demo.intensive_id, demo.block_id("Individual: partner A"))
    _go_live(workspace, session_clock)
    table = workspace.view.table.table
    rows = workspace.table_model.rowCount()
    assert (rows + 2) * table.verticalHeader().defaultSectionSize() < table.viewport().height()
    _settle(qtbot)
    layouts = table.whole_layouts

    for key in (Qt.Key.Key_Q, Qt.Key.Key_A):
        session_clock.advance(15)
        qtbot.keyClick(workspace.view.pad, key)
        QApplication.processEvents()

    assert workspace.table_model.rowCount() == rows + 2
    assert table.verticalScrollBar().maximum() == 0  # nothing scrolled: only the update paints
    assert table.whole_layouts == layouts
    assert _on_screen_equals_fresh_paint(workspace)

"""The live workspace fits a laptop screen: every control visible, no scrolling, 8 table rows.

The real main window from the real session, resized to the screen's logical
size, a block selected and live mode on; then every visible widget's
rectangle is checked against the window and against each ancestor that
could clip it (a splitter pane, a scroll area's viewport).
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from crucible.app.services import casebook
from crucible.app.ui.shell.launch import Desktop

SCREENS = [QSize(1280, 720), QSize(1366, 768)]


def _settle(qtbot: Any, window: QWidget) -> None:
    """Let pending layout requests run, then bring the window's own layout up to date."""
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)
    layout = window.layout()
    assert layout is not None
    layout.activate()  # minimumSize() is set from the layout only when it activates


def _busiest_block(desktop: Desktop) -> int:
    intensive = casebook.load_casebook(desktop.session.vault)[0].intensives[0]
    block = max((b for d in intensive.days for b in d.blocks), key=lambda b: b.observation_count)
    assert block.observation_count > 8
    return block.id


def _clipped(widget: QWidget, window: QWidget) -> list[str]:
    """Why `widget` is not wholly on screen: outside the window or cut by an ancestor."""
    problems = []
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    if not window.rect().contains(rect):
        problems.append(f"outside the window: {rect.getRect()}")
    ancestor = widget.parentWidget()
    while ancestor is not None and ancestor is not window:
        inner = QRect(widget.mapTo(ancestor, QPoint(0, 0)), widget.size())
        if not ancestor.rect().contains(inner):
            name = ancestor.accessibleName() or type(ancestor).__name__
            problems.append(f"cut by {name}: {inner.getRect()} in {ancestor.rect().getRect()}")
            break
        ancestor = ancestor.parentWidget()
    return problems


def _text_cut(label: QLabel) -> str:
    """What of a rich-text label's text its rectangle cuts off ("" if nothing)."""
    area = label.contentsRect()
    document = QTextDocument()
    document.setDefaultFont(label.font())
    document.setDocumentMargin(0)
    document.setHtml(label.text())
    document.setTextWidth(area.width())
    if document.idealWidth() > area.width() + 1:
        return f"{document.idealWidth():.0f} px of text in {area.width()} px"
    if document.size().height() > area.height() + 1:
        return f"{document.size().height():.0f} px of lines in {area.height()} px"
    return ""


def _fits(size: QSize, screen: QSize) -> bool:
    return size.width() <= screen.width() and size.height() <= screen.height()


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s.width()}x{s.height()}")
def test_live_mode_shows_every_control_on_a_laptop_screen(
    qtbot: Any, unlocked: Desktop, screen: QSize
) -> None:
    """Fits before and during live mode; every control of the workspace is on screen, uncut."""
    window, session = unlocked.window, unlocked.session
    window.resize(screen)
    assert session.workspace.select(("block", _busiest_block(unlocked)))
    workspace = session.block_workspace
    _settle(qtbot, window)
    assert _fits(window.minimumSizeHint(), screen), window.minimumSizeHint()
    assert _fits(window.minimumSize(), screen), window.minimumSize()
    details = session.workspace.view.details
    assert details.block_form.isVisible()

    with qtbot.waitSignal(workspace.summary_ready, timeout=5000):
        workspace.set_live(True)
        workspace.refresh_summary()  # the widest figures: block, day and intensive
    _settle(qtbot, window)
    assert _fits(window.minimumSizeHint(), screen), window.minimumSizeHint()
    assert _fits(window.minimumSize(), screen), window.minimumSize()
    assert window.size() == screen

    assert not details.block_form.isVisible()  # the edit form is one header line while live
    assert details.block_live_line.isVisible()
    line = details.block_live_line
    assert line.height() <= 2 * line.fontMetrics().height()
    view = workspace.view
    must_show = [
        view.pad,
        *view.pad.caps,
        view.pad.live_button,
        view.pad.last_line,
        view.summary,
        *view.summary.values.values(),
        view.table,
        view.table.table,
        view.table.delete,
        view.undo,
        view.redo,
        view.clock,
        view.clock_button,
        view.clock_reset,
        view.timeline,
    ]
    for widget in must_show:
        assert widget.isVisible(), widget.accessibleName()
    problems = {}
    for widget in window.findChildren(QWidget):
        if widget.isVisible() and not widget.isWindow():
            cut = _clipped(widget, window)
            if cut:
                problems[f"{type(widget).__name__} {widget.accessibleName()!r}"] = cut
    assert problems == {}
    assert _text_cut(view.timeline.legend) == ""

    table = view.table.table
    row_height = table.rowHeight(0)
    assert row_height > 0
    assert table.model().rowCount() > 8
    assert table.viewport().height() // row_height >= 8

    workspace.set_live(False)
    _settle(qtbot, window)
    assert details.block_form.isVisible()  # the form comes back when live ends
    assert window.size() == screen  # and the window did not grow past the screen on the way
    assert not details.block_live_line.isVisible()

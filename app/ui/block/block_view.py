"""The block workspace's layout: the header; pad and summary left; timeline, table and note right.

Only widgets are built here; `BlockController` (block_workspace.py) connects
them. The pad sits at the left under the clinician's eye line with the live
summary under it, in a column that scrolls only when it must (outside live
mode on a small screen; see `FitScroll`). The right holds the timeline over
the table and the note, which share tabs since one is used in the session
and the other after it. On a 1280x720 screen, live mode shows all of it at
once: the navigator and the block form step aside, the pad column claims its
full size, and the table keeps room for at least `LIVE_TABLE_ROWS` rows.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.block.fit_scroll import FitScroll
from crucible.app.ui.block.keymap import KeyMap
from crucible.app.ui.block.note_editor_view import NoteEditorView
from crucible.app.ui.block.observation_pad_view import LIVE_RED, ObservationPadView
from crucible.app.ui.block.observation_table_view import ObservationTableView
from crucible.app.ui.block.summary_view import SummaryView
from crucible.app.ui.block.timeline_data import TimelineData
from crucible.app.ui.block.timeline_view import TimelineView

LIVE_TABLE_ROWS = 8
"""Rows of the observation table always in view while live: the recent ones, to check and fix."""
MIN_LABEL_WIDTH = 40
LIVE_FRAME_WIDTH = 4
"""The red frame's width while live. It is painted here, not by a style sheet: a style
sheet on this frame would route every widget inside it, each table cell included, through
Qt's slower style-sheet style, a third of a live key's repaint (issue 19)."""


def _bold(label: QLabel, delta: int) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSize(font.pointSize() + delta)
    label.setFont(font)
    return label


class BlockView(QFrame):
    """Every widget of the block workspace, laid out; no behaviour."""

    def __init__(self, key_map: KeyMap, timeline: TimelineData, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("blockWorkspace")
        self.setAccessibleName("Block workspace")
        self.setProperty("live", False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(6)
        outer.addLayout(self._header())

        self.timeline = TimelineView(timeline)
        self.pad = ObservationPadView(key_map)
        self.summary = SummaryView()
        self.table = ObservationTableView()
        self.note = NoteEditorView()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Observations and note")
        self.tabs.addTab(self.table, "&Observations")
        self.tabs.addTab(self.note, "Not&e")  # Alt+E: Alt+O is Observations

        left = QWidget()
        left.setAccessibleName("Pad and live summary")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addWidget(self.pad)
        left_layout.addWidget(self.summary)
        left_layout.addStretch(1)
        self.pad_column = FitScroll(left)
        self.pad_column.setAccessibleName("Pad column")
        right = QSplitter(Qt.Orientation.Vertical)
        right.setAccessibleName("Timeline and records")
        right.setChildrenCollapsible(False)
        right.addWidget(self.timeline)
        right.addWidget(self.tabs)
        right.setStretchFactor(1, 1)
        right.setSizes([200, 600])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setAccessibleName("Pad and records")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.pad_column)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([560, 840])
        outer.addWidget(self.splitter, 1)

    def _header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.title = _bold(QLabel(), 4)
        self.title.setAccessibleName("Block title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.kind = QLabel()
        self.kind.setAccessibleName("Kind of block")
        self.partners = QLabel()
        self.partners.setAccessibleName("Partners")
        self.partners.setTextFormat(Qt.TextFormat.RichText)
        for label in (self.title, self.kind, self.partners):
            label.setMinimumWidth(MIN_LABEL_WIDTH)  # a long title is cut, not the window widened
            row.addWidget(label)
        row.addStretch(1)
        self.clock = _bold(QLabel("0:00:00"), 6)
        self.clock.setAccessibleName("Elapsed time of the block")
        self.clock_button = QPushButton("Start clock")
        self.clock_button.setAccessibleName("Start the block clock")
        self.clock_reset = QPushButton("Reset")
        self.clock_reset.setAccessibleName("Reset the block clock")
        self.undo = QPushButton("Undo")
        self.undo.setAccessibleName("Undo the last change to observations")
        self.undo.setToolTip("Undo (Ctrl+Z)")
        self.redo = QPushButton("Redo")
        self.redo.setAccessibleName("Redo")
        self.redo.setToolTip("Redo (Ctrl+Shift+Z)")
        for widget in (self.clock, self.clock_button, self.clock_reset, self.undo, self.redo):
            row.addWidget(widget)
        return row

    def show_live(self, live: bool) -> None:
        """The red frame round the whole workspace while live; everything on screen, unscrolled."""
        self.pad_column.set_fit_content(live)
        self.table.keep_rows_visible(LIVE_TABLE_ROWS if live else 0)
        self.setProperty("live", live)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The frame's own painting, then the red frame round everything while live."""
        super().paintEvent(event)
        if not self.property("live"):
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        half = LIVE_FRAME_WIDTH / 2
        painter.setPen(QPen(QColor(LIVE_RED), LIVE_FRAME_WIDTH))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), 6, 6)
        painter.end()

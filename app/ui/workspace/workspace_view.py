"""The block workspace's layout: header, timeline, pad and summary, table and note.

Only widgets are built here; `BlockWorkspace` (block_workspace.py) connects
them. The timeline spans the top because it is read at a glance; the pad
sits at the left under the clinician's eye line, with the live summary under
it; the table and the note share the right as tabs, since one is used in the
session and the other after it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
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

from app.ui.workspace.keymap import KeyMap
from app.ui.workspace.note_editor_view import NoteEditorView
from app.ui.workspace.observation_pad_view import LIVE_RED, ObservationPadView
from app.ui.workspace.observation_table_view import ObservationTableView
from app.ui.workspace.summary_view import SummaryView
from app.ui.workspace.timeline_model import TimelineModel
from app.ui.workspace.timeline_view import TimelineView

FRAME_STYLE = f"""
QFrame#blockWorkspace {{ border: 4px solid transparent; border-radius: 6px; }}
QFrame#blockWorkspace[live="true"] {{ border: 4px solid {LIVE_RED}; }}
"""


def _bold(label: QLabel, delta: int) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSize(font.pointSize() + delta)
    label.setFont(font)
    return label


class WorkspaceView(QFrame):
    """Every widget of the block workspace, laid out; no behaviour."""

    def __init__(self, key_map: KeyMap, timeline: TimelineModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("blockWorkspace")
        self.setAccessibleName("Block workspace")
        self.setStyleSheet(FRAME_STYLE)
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
        self.tabs.addTab(self.note, "N&ote")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.pad)
        left_layout.addWidget(self.summary, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.setAccessibleName("Pad and records")
        lower.setChildrenCollapsible(False)
        lower.addWidget(left)
        lower.addWidget(self.tabs)
        lower.setStretchFactor(1, 1)
        lower.setSizes([600, 800])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setAccessibleName("Timeline and workspace")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.timeline)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([220, 620])
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
        row.addWidget(self.title)
        row.addWidget(self.kind)
        row.addWidget(self.partners)
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
        """The red frame round the whole workspace while live."""
        self.setProperty("live", live)
        self.style().unpolish(self)
        self.style().polish(self)
        self.update()

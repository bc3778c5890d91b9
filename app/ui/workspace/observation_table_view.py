"""The observation table's widgets: three filter combos, a delete button, the table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.vocabulary import Stance, Strategy
from app.ui.workspace.keymap import STANCE_SHORT, STRATEGY_LABELS


def _filter_combo(name: str, everything: str, choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.addItem(everything, None)
    for value, label in choices:
        combo.addItem(label, value)
    return combo


class ObservationTableView(QWidget):
    """Filters above a sortable table of this block's observations."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Observations of this block")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        show = QLabel("Show:")
        show.setAccessibleName("Show")
        bar.addWidget(show)
        self.partner_filter = _filter_combo("Filter by partner", "Both partners", [])
        self.stance_filter = _filter_combo(
            "Filter by stance", "Every stance", [(s.value, STANCE_SHORT[s]) for s in Stance]
        )
        self.strategy_filter = _filter_combo(
            "Filter by strategy",
            "Any strategy",
            [(s.value, STRATEGY_LABELS[s]) for s in Strategy],
        )
        for combo in (self.partner_filter, self.stance_filter, self.strategy_filter):
            bar.addWidget(combo)
        bar.addStretch(1)
        self.count = QLabel()
        self.count.setAccessibleName("Number of observations shown")
        self.count.setMinimumWidth(150)  # a new count must not re-lay out the bar
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.count)
        self.delete = QPushButton("&Delete")
        self.delete.setAccessibleName("Delete the selected observation")
        self.delete.setToolTip("Delete the selected observation (Delete; Ctrl+Z brings it back)")
        bar.addWidget(self.delete)
        layout.addLayout(bar)
        self.table = QTableView()
        self.table.setAccessibleName("Observation table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)

    def size_columns(self) -> None:
        """Widths that fit the usual contents without measuring every row (fast on big blocks)."""
        for column, width in enumerate((74, 120, 84, 64, 100, 160, 140, 160, 140, 140)):
            self.table.setColumnWidth(column, width)

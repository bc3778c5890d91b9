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
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.vocabulary import STANCE_SHORT, STRATEGY_LABELS, Stance, Strategy
from crucible.app.ui.block.appending_table import AppendingTableView


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
        bar = QHBoxLayout()  # no "Show:" label: each combo says what it shows ("Every stance")
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
            # Sized for "Every stance", not for the longest name or strategy: the bar must
            # fit beside the pad on a 1280-pixel screen.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
            bar.addWidget(combo)
        bar.addStretch(1)
        self.count = QLabel()
        self.count.setAccessibleName("Number of observations shown")
        self.count.setMinimumWidth(100)  # a new count must not re-lay out the bar
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        bar.addWidget(self.count)
        self.delete = QPushButton("&Delete")
        self.delete.setAccessibleName("Delete the selected observation")
        self.delete.setToolTip("Delete the selected observation (Delete; Ctrl+Z brings it back)")
        bar.addWidget(self.delete)
        layout.addLayout(bar)
        self.table = AppendingTableView()  # a live key paints its own row, not the table
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

    def keep_rows_visible(self, rows: int) -> None:
        """Keep room for `rows` full rows in the table, whatever else wants the height (0: none)."""
        if rows <= 0:
            self.table.setMinimumHeight(0)
            return
        frame = 2 * self.table.frameWidth()
        header = self.table.horizontalHeader().sizeHint().height()
        scroll_bar = self.table.horizontalScrollBar().sizeHint().height()
        body = rows * self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(frame + header + scroll_bar + body)

    def size_columns(self) -> None:
        """Widths that fit the usual contents without measuring every row (fast on big blocks)."""
        for column, width in enumerate((74, 120, 84, 64, 100, 160, 140, 160, 140, 140)):
            self.table.setColumnWidth(column, width)

"""The Hours window: widgets only (hours_controller.py reacts).

Progress toward each category of the target as bars, the week-by-week
table, and the entries behind the selected week (double-click one from a
block to open that block); below them, the blocks waiting for the
clinician's word (did they take place; does an "other" block count);
buttons to add contact or supervision, remove an entry typed in error,
and choose the target (entry_dialogs.py). A
non-modal dialog of the main window, so locking closes it with everything
else.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms

WEEK_COLUMNS = (
    "Week of",
    "Relational",
    "Individual",
    "Contact",
    "Claimable",
    "Supervision",
    "Observable",
)
ENTRY_COLUMNS = (
    "Date",
    "Entry",
    "Kind",
    "Minutes",
    "Couple",
    "Intensive, block",
    "Observable",
    "Setting",
)
PENDING_COLUMNS = ("Date", "Planned", "Block", "Couple", "Intensive, block")
OTHER_COLUMNS = ("Date", "Ran", "Minutes", "Couple", "Intensive, block", "Counts as")


def _table(name: str, columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    return table


def _titled(title: QLabel, table: QTableWidget, *actions: QWidget) -> QWidget:
    """A heading (with its actions beside it) over a table, as one pane of the splitter."""
    pane = QWidget()
    column = QVBoxLayout(pane)
    column.setContentsMargins(0, 4, 0, 0)
    header = QHBoxLayout()
    header.addWidget(title)
    header.addStretch(1)
    for action in actions:
        header.addWidget(action)
    column.addLayout(header)
    column.addWidget(table, 1)
    return pane


class HoursView(QDialog):
    """Target, progress bars, weeks and entries."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Hours")
        self.setAccessibleName("Hours")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.resize(960, 700)  # fits a 1366x768 laptop screen with the task bar
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(forms.heading("Hours", 4))
        self.target = forms.paragraph("", "Target")
        layout.addWidget(self.target)
        self.bars_box = QWidget()
        self.bars = QGridLayout(self.bars_box)
        self.bars.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bars_box)
        self.totals = forms.paragraph("", "Totals")
        layout.addWidget(self.totals)
        self.weeks = _table("Weeks", WEEK_COLUMNS)
        self.entries_heading = forms.heading("Entries", 1)
        self.entries = _table("Entries", ENTRY_COLUMNS)
        self.entries.setToolTip("Double-click an entry from a block to open the block")
        self.pending_heading = forms.heading("Not counted: did these blocks take place?", 1)
        self.pending = _table("Blocks not counted", PENDING_COLUMNS)
        self.pending.setToolTip(
            "Nothing was recorded while these ran (no live mode, no observation). "
            "Confirm the ones that took place as planned and they count."
        )
        self.confirm_ran = forms.button("It &ran as planned", "Confirm the block ran")
        self.confirm_ran.setEnabled(False)
        # One splitter: the clinician gives the room to the list they are working in.
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(_titled(forms.heading("Week by week", 1), self.weeks))
        self.split.addWidget(_titled(self.entries_heading, self.entries))
        self.pending_box = _titled(self.pending_heading, self.pending, self.confirm_ran)
        self.pending_box.hide()
        self.others_heading = forms.heading("Other blocks: were they contact?", 1)
        self.others = _table("Other blocks", OTHER_COLUMNS)
        self.others.setToolTip(
            "Blocks of kind 'other' that ran count only once you say how: a psychoeducation "
            "hour with the couple may be contact, a team lunch is not."
        )
        self.count_relational = forms.button("Count as re&lational", "Count as relational")
        self.count_individual = forms.button("Count as in&dividual", "Count as individual")
        self.dont_count = forms.button("Do&n't count", "Don't count as contact")
        for button in (self.count_relational, self.count_individual, self.dont_count):
            button.setEnabled(False)
        self.others_box = _titled(
            self.others_heading,
            self.others,
            self.count_relational,
            self.count_individual,
            self.dont_count,
        )
        self.others_box.hide()
        # The two lists of blocks waiting for a word sit side by side, each shown when it has any.
        self.decide = QSplitter(Qt.Orientation.Horizontal)
        self.decide.setChildrenCollapsible(False)
        self.decide.addWidget(self.pending_box)
        self.decide.addWidget(self.others_box)
        self.split.addWidget(self.decide)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 3)
        self.split.setStretchFactor(2, 2)
        self.decide.hide()
        layout.addWidget(self.split, 1)
        self.message = forms.message_line("Hours message")
        layout.addWidget(self.message)
        self.add_contact = forms.button("Add &contact…", "Add contact hours")
        self.add_supervision = forms.button("Add &supervision…", "Add supervision")
        self.remove_entry = forms.button("&Remove entry…", "Remove entry")
        self.remove_entry.setToolTip(
            "Remove an entry you added (a block's hours go with the block)"
        )
        self.remove_entry.setEnabled(False)
        self.choose_target = forms.button("&Target…", "Choose the target")
        self.save_log = forms.button("Sa&ve log…", "Save the hours log")
        self.save_log.setToolTip("The period's log as a PDF to sign, or as CSV rows")
        self.close_button = forms.button("Close", default=True)
        self.close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        for button in (self.add_contact, self.add_supervision, self.remove_entry):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.save_log)
        row.addWidget(self.choose_target)
        row.addWidget(self.close_button)
        layout.addLayout(row)

    def set_progress(self, rows: list[tuple[str, str, float]]) -> None:
        """One labelled bar per category: (label, "12:05 of 500:00 claimable", fraction)."""
        while self.bars.count():
            item = self.bars.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for number, (label, text, fraction) in enumerate(rows):
            name = QLabel(label)
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setValue(round(fraction * 1000))
            bar.setFormat(text)
            bar.setTextVisible(True)
            bar.setAccessibleName(f"{label}: {text}")
            name.setBuddy(bar)
            self.bars.addWidget(name, number, 0)
            self.bars.addWidget(bar, number, 1)
        self.bars.setColumnStretch(1, 1)

    @staticmethod
    def fill(table: QTableWidget, rows: list[list[str]], numeric: tuple[int, ...]) -> None:
        """Replace a table's rows; numbers right-aligned."""
        table.setRowCount(0)
        table.setRowCount(len(rows))
        for row_number, cells in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in numeric:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row_number, column, item)

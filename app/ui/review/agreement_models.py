"""The agreement view's three Qt models: the per-block rows, one confusion table, one-sided events.

They hold plain rows built by :mod:`app.domain.review_format` (the same
rows the PDFs and the summary print), so the screen and the paper cannot
disagree; the models only answer Qt's questions about them. The confusion
table and the one-sided events follow the row chosen in the first table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from crucible.app.domain.intensive import Observation
from crucible.app.domain.review_format import (
    AGREEMENT_COLUMNS,
    AgreementRow,
    confusion_header,
    confusion_lines,
)
from crucible.app.domain.vocabulary import STANCE_SHORT, PartnerKey

AnyIndex = QModelIndex | QPersistentModelIndex
PositionRole = Qt.ItemDataRole.UserRole + 1
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class AgreementRowsModel(QAbstractTableModel):
    """One row per coded block, then the pooled "Overall" row (drawn bold)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[AgreementRow, ...] = ()
        self._cells: tuple[tuple[str, ...], ...] = ()

    def set_rows(self, rows: Sequence[AgreementRow]) -> None:
        """Show these rows (the last is the overall one)."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self._cells = tuple(row.cells() for row in self._rows)
        self.endResetModel()

    def row_at(self, row: int) -> AgreementRow | None:
        """The row shown at ``row``, if any."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's column count."""
        return 0 if parent.isValid() else len(AGREEMENT_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; no row numbers (the block column names the row)."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return AGREEMENT_COLUMNS[section] if 0 <= section < len(AGREEMENT_COLUMNS) else None
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return _COLUMN_TIPS.get(section)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, right-aligned numbers, the overall row in bold, the block's position."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > 0:
            return int(_RIGHT.value)
        if role == Qt.ItemDataRole.FontRole and self._rows[index.row()].position is None:
            return _bold()
        if role == PositionRole:
            return self._rows[index.row()].position
        return None


_COLUMN_TIPS = {
    1: "Cohen's kappa on the stances of events both logged within the tolerance",
    2: "Share of matched events given the same stance",
    3: "Events paired between the two layers",
    4: "Cohen's kappa over every second both layers labelled, per partner",
    5: "Share of those seconds labelled with the same stance",
    6: "Partner-seconds compared",
    7: "Events only the trainee logged",
    8: "Events only the supervisor logged",
}


class ConfusionModel(QAbstractTableModel):
    """Matched events: trainee's stance in rows, supervisor's in columns, with totals."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header = confusion_header()[1:]
        self._lines: tuple[tuple[str, ...], ...] = ()

    def set_table(self, table: Sequence[Sequence[int]]) -> None:
        """Show this 3×3 table of counts (totals are added here)."""
        self.beginResetModel()
        self._lines = confusion_lines(table)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count: three stances and the total."""
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's column count: three stances and the total."""
        return 0 if parent.isValid() else len(self._header)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Supervisor's stances across the top, the trainee's down the side."""
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self._header[section] if 0 <= section < len(self._header) else None
            return self._lines[section][0] if 0 <= section < len(self._lines) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if orientation == Qt.Orientation.Horizontal:
                return "Supervisor's stance"
            return "Trainee's stance"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Counts, right-aligned; the diagonal (agreement) and totals in bold."""
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._lines[row][column + 1]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            trainee, supervisor = self._lines[row][0], self._header[column]
            return f"trainee {trainee}, supervisor {supervisor}: {self._lines[row][column + 1]}"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(_RIGHT.value)
        last = len(self._lines) - 1
        if role == Qt.ItemDataRole.FontRole and (row in (column, last) or column == last):
            return _bold()
        return None


ONE_SIDED_COLUMNS = ("Logged only by", "Time", "Partner", "Stance")


class OneSidedEventsModel(QAbstractTableModel):
    """The events only one layer holds, in time order.

    A missed flip matters clinically as much as a mislabelled one.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []

    def set_events(
        self,
        trainee_only: Sequence[Observation],
        supervisor_only: Sequence[Observation],
        partner_labels: Mapping[PartnerKey, str],
    ) -> None:
        """Show both sides' unpaired events, merged in time order."""
        tagged = [("Trainee", o) for o in trainee_only]
        tagged += [("Supervisor", o) for o in supervisor_only]
        tagged.sort(key=lambda item: item[1].at)
        self.beginResetModel()
        self._rows = [
            (
                side,
                f"{o.at:%H:%M:%S}",
                partner_labels.get(o.partner, f"Partner {o.partner}"),
                STANCE_SHORT[o.stance],
            )
            for side, o in tagged
        ]
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's column count."""
        return 0 if parent.isValid() else len(ONE_SIDED_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ONE_SIDED_COLUMNS[section] if 0 <= section < len(ONE_SIDED_COLUMNS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._rows[index.row()][index.column()]
        return None

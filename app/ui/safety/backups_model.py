"""The Backups window's table: one row per backup file, newest first.

Rows start as the fast listing (archive and manifest read) and are checked
one at a time in the background; a row waiting for its check says so
rather than showing a level it has not earned yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from crucible.app.ui.safety.safety_text import (
    VERIFICATION_LABELS,
    VERIFICATION_TIPS,
    describe_reason,
    describe_size,
    describe_when,
)

COLUMNS = ("Made", "Reason", "Size", "Check")
MADE, REASON, SIZE, CHECK = range(4)
PathRole = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class BackupRow:
    """One backup as the table shows it (plain values copied from the service's listing)."""

    path: Path
    size: int
    created_at: datetime | None
    reason: str | None
    verification: str  # "damaged", "structure", "hashes" or "full"
    problem: str | None = None
    checking: bool = False

    @classmethod
    def of(cls, listing: Any, *, checking: bool = False) -> BackupRow:
        """Copy a `BackupListing` from `app.services.backups`."""
        return cls(
            listing.path,
            listing.size,
            listing.created_at,
            listing.reason,
            str(listing.verification),
            listing.problem,
            checking,
        )

    @property
    def restorable(self) -> bool:
        """Whether offering to restore it makes sense (a damaged file never restores)."""
        return self.verification != "damaged" and self.created_at is not None


class BackupsModel(QAbstractTableModel):
    """Backups newest first: made, reason, size and how far each was checked."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[BackupRow] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count: the backups (none below a row)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's column count."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What each cell shows, its tooltip, and the backup's path under `PathRole`."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == CHECK:
                if row.checking:
                    return "Being checked in the background."
                return row.problem or VERIFICATION_TIPS.get(row.verification)
            return row.path.name
        if role == Qt.ItemDataRole.TextAlignmentRole and column == SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == PathRole:
            return str(row.path)
        return None

    @staticmethod
    def _text(row: BackupRow, column: int) -> str:
        if column == MADE:
            return describe_when(row.created_at)
        if column == REASON:
            return describe_reason(row.reason)
        if column == SIZE:
            return describe_size(row.size)
        if row.checking:
            return "Checking…"
        if row.verification == "damaged" and row.problem:
            return f"Damaged: {row.problem}"
        return VERIFICATION_LABELS.get(row.verification, row.verification)

    # ------------------------------------------------------------------ changes

    def set_rows(self, rows: list[BackupRow]) -> None:
        """Replace every row (after a new listing)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_row(self, row: BackupRow) -> None:
        """Replace the row of the same file, if it is still listed."""
        for number, existing in enumerate(self._rows):
            if existing.path == row.path:
                self._rows[number] = row
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(COLUMNS) - 1))
                return

    def row(self, number: int) -> BackupRow:
        """The backup shown on row `number`."""
        return self._rows[number]

    def rows(self) -> list[BackupRow]:
        """Every row, newest first."""
        return list(self._rows)

    def clear(self) -> None:
        """Forget every row (at lock nothing of the vault stays in a model)."""
        self.set_rows([])

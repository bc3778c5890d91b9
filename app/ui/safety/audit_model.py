"""The audit trail as a Qt table, and the filter by action and by intensive.

Rows are the service's `AuditEntry` values (plain data: time, actor,
action, intensive id, a detail of flags, numbers and short labels). No
event holds note text, so nothing here can show any. Entries the chain
check reports as changed or unlinked are marked and drawn in the error
colour, so "the chain is broken" points at a row. Events recorded while
the vault was locked (from the pending file: nothing can vouch for them)
carry a warning mark before their action, and say why in their tooltip.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

COLUMNS = ("Time", "Actor", "Action", "Intensive", "Detail")
TIME, ACTOR, ACTION, INTENSIVE, DETAIL = range(5)
EventIdRole = Qt.ItemDataRole.UserRole + 1
ActionRole = Qt.ItemDataRole.UserRole + 2
IntensiveRole = Qt.ItemDataRole.UserRole + 3
BrokenRole = Qt.ItemDataRole.UserRole + 4
UnauthenticatedRole = Qt.ItemDataRole.UserRole + 5
LOCKED_MARK = "⚠ "
LOCKED_TOOLTIP = (
    "This event was recorded while the vault was locked, outside the encrypted "
    "database; nothing can vouch for it (not authenticated)."
)
BROKEN_BACKGROUND = QColor(220, 40, 40, 70)  # readable over light and dark rows

AnyIndex = QModelIndex | QPersistentModelIndex


def describe_detail(detail: dict[str, Any]) -> str:
    """An event's detail as "key: value" pairs (flags as yes/no, sizes in KB)."""
    parts = []
    for key, value in sorted(detail.items()):
        if isinstance(value, bool):
            shown = "yes" if value else "no"
        elif key == "size" and isinstance(value, int):
            shown = f"{value / 1024:.0f} KB"
        else:
            shown = str(value)
        parts.append(f"{key.replace('_', ' ')}: {shown}")
    return ", ".join(parts)


class AuditModel(QAbstractTableModel):
    """Every audit event in chain order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[Any] = []
        self._broken: set[int] = set()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count: the events (none below a row)."""
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's column count."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; row headers are the events' numbers in the chain."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        if 0 <= section < len(self._entries):
            return str(self._entries[section].id)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text, tooltips, the broken-row colour, and the filter roles."""
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        locked = not getattr(entry, "authenticated", True)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, index.column(), locked)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._text(entry, index.column())
            if locked and index.column() == ACTION:
                text += ", recorded while locked, not authenticated"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            if entry.id in self._broken:
                return f"Audit event {entry.id} does not verify."
            if locked:
                return LOCKED_TOOLTIP
            return self._text(entry, index.column()) or None
        if role == Qt.ItemDataRole.BackgroundRole and entry.id in self._broken:
            return QBrush(BROKEN_BACKGROUND)
        if role == EventIdRole:
            return entry.id
        if role == ActionRole:
            return entry.action
        if role == IntensiveRole:
            return entry.intensive_id
        if role == BrokenRole:
            return entry.id in self._broken
        if role == UnauthenticatedRole:
            return locked
        return None

    @staticmethod
    def _text(entry: Any, column: int, locked: bool = False) -> str:
        if column == TIME:
            return str(entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))
        if column == ACTOR:
            return str(entry.actor)
        if column == ACTION:
            return (LOCKED_MARK if locked else "") + str(entry.action)
        if column == INTENSIVE:
            return "" if entry.intensive_id is None else str(entry.intensive_id)
        return describe_detail(entry.detail)

    # ------------------------------------------------------------------ changes

    def set_entries(self, entries: list[Any]) -> None:
        """Show these events (from `app.services.audit_log.list_events`)."""
        self.beginResetModel()
        self._entries = list(entries)
        self._broken = set()
        self.endResetModel()

    def set_broken(self, event_ids: set[int]) -> None:
        """Mark the events the chain check reported."""
        self._broken = set(event_ids)
        if self._entries:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._entries) - 1, len(COLUMNS) - 1)
            )

    def actions(self) -> list[str]:
        """The distinct actions present, sorted (for the filter)."""
        return sorted({entry.action for entry in self._entries})

    def intensive_ids(self) -> list[int]:
        """The distinct intensive ids present, in order (for the filter)."""
        return sorted({e.intensive_id for e in self._entries if e.intensive_id is not None})

    def row_of(self, event_id: int) -> int | None:
        """The row showing event `event_id`, if loaded."""
        for number, entry in enumerate(self._entries):
            if entry.id == event_id:
                return number
        return None


class AuditFilter(QSortFilterProxyModel):
    """Only the events of one action and/or one intensive (None: all)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._action: str | None = None
        self._intensive: int | None = None

    def set_action(self, action: str | None) -> None:
        """Show only this action (None: every action)."""
        self.beginFilterChange()
        self._action = action
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_intensive(self, intensive_id: int | None) -> None:
        """Show only this intensive's events (None: every event)."""
        self.beginFilterChange()
        self._intensive = intensive_id
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Whether the event matches both filters."""
        source = self.sourceModel()
        index = source.index(source_row, 0, source_parent)
        if self._action is not None and index.data(ActionRole) != self._action:
            return False
        return self._intensive is None or index.data(IntensiveRole) == self._intensive

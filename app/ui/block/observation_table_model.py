"""The observation table's Qt models: the block's observations, and a filter over them.

`ObservationTableModel` is the Qt face of the `BlockRecord`: inserting or
removing a row goes through it so views and record change together. Edits
in a cell do not write anything themselves; they become a new
`Observation` handed to `edit_requested`, which the workspace turns into an
undoable command that calls the service first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTime,
)
from PySide6.QtGui import QColor

from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import (
    BOUNDARY_LABELS,
    STANCE_SHORT,
    STRATEGY_LABELS,
    Boundary,
    PartnerKey,
    Stance,
    Strategy,
)
from crucible.app.ui.block.block_record import BlockRecord
from crucible.app.ui.block.identity_memo import IdentityMemo

COLUMNS = (
    "Time",
    "Partner",
    "Stance",
    "Intensity",
    "Boundary",
    "Strategies",
    "Trigger",
    "Quote",
    "Intervention",
    "Response",
    "Note",
)
(TIME, PARTNER, STANCE, INTENSITY, BOUNDARY, STRATEGIES) = range(6)
TEXT_FIELDS = ("trigger", "quote", "intervention", "response", "note")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ROLES = frozenset(
    int(getattr(role, "value", role))
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        ID_ROLE,
        SORT_ROLE,
    )
)

_EDITABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
"""Made once: the view asks for every visible cell's flags on each repaint (after every key)."""

Index = QModelIndex | QPersistentModelIndex
EditRequest = Callable[..., bool]


def with_time(observation: Observation, time: QTime) -> Observation:
    """The observation moved to another time of day, on the same date and UTC offset."""
    at = observation.at.replace(
        hour=time.hour(), minute=time.minute(), second=time.second(), microsecond=0
    )
    return dataclasses.replace(observation, at=at)


class ObservationTableModel(QAbstractTableModel):
    """One row per observation of the open block, in time order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.record: BlockRecord | None = None
        self.names: dict[PartnerKey, str] = {}
        self.colours: dict[PartnerKey, QColor] = {}
        self.edit_requested: EditRequest | None = None
        self._texts: IdentityMemo[Observation, tuple[str, ...]] = IdentityMemo()
        """Each row's texts, formatted once; by identity, as a painted cell asks for its
        row's texts and hashing a twelve-field observation per cell cost more than the answer."""

    # ------------------------------------------------------------------ loading

    def set_record(self, record: BlockRecord | None) -> None:
        """Show another block's record (None empties the table)."""
        self.beginResetModel()
        self.record = record
        self.names, self.colours, self._texts = {}, {}, IdentityMemo()
        if record is not None:
            for key in PartnerKey:
                self.names[key] = record.partner(key).name
                self.colours[key] = QColor(record.partner_colour(key))
        self.endResetModel()

    def observation(self, row: int) -> Observation:
        """The observation shown in source row `row`."""
        assert self.record is not None
        return self.record.at(row)

    def row_of(self, observation_id: int) -> int | None:
        """The source row of an observation, if shown."""
        return None if self.record is None else self.record.row_of(observation_id)

    # ------------------------------------------------------------------ changes

    def add(self, observation: Observation) -> None:
        """Show a newly committed observation."""
        assert self.record is not None
        row = self._insert_row(observation)
        self.beginInsertRows(QModelIndex(), row, row)
        self.record.add(observation)
        self.endInsertRows()

    def _insert_row(self, observation: Observation) -> int:
        assert self.record is not None
        key = (observation.at, observation.id or 0)
        low, high = 0, len(self.record)
        while low < high:
            middle = (low + high) // 2
            other = self.record.at(middle)
            if (other.at, other.id or 0) <= key:
                low = middle + 1
            else:
                high = middle
        return low

    def remove(self, observation_id: int) -> None:
        """Stop showing an observation (deleted, or undone)."""
        assert self.record is not None
        row = self.record.row_of(observation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        self.record.remove(observation_id)
        self.endRemoveRows()

    def replace(self, observation: Observation) -> None:
        """Show an edited observation; it moves if its time changed its place."""
        assert self.record is not None
        assert observation.id is not None
        row = self.record.row_of(observation.id)
        if row is None:
            self.add(observation)
            return
        old = self.record.at(row)
        if old.at == observation.at:
            self.record.replace(observation)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        self.remove(observation.id)
        self.add(observation)

    # ------------------------------------------------------------------ Qt model

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        """An index without Qt's default check, which costs two more calls into Python per cell."""
        record = self.record
        if record is None or parent.isValid() or not 0 <= column < len(COLUMNS):
            return QModelIndex()
        if not 0 <= row < len(record):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Observations of the open block (a flat table: no children)."""
        if parent.isValid() or self.record is None:
            return 0
        return len(self.record)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """The fields of an observation."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column names; rows are numbered."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Every cell is editable inline."""
        return _EDITABLE if index.isValid() else _NO_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text to show, raw values to edit and sort by, the id, the partner's colour."""
        if role not in _ROLES or self.record is None:
            return None  # the cheap answer first: a view asks for seven roles per cell
        row = index.row()
        if not 0 <= row < len(self.record):
            return None
        return self._answer(self.record.at(row), index.column(), role)

    def _answer(self, observation: Observation, column: int, role: int) -> Any:
        """One role of one cell."""
        if role == _DISPLAY:
            texts = self._texts.get(observation)
            if texts is None:  # formatted once per observation, not once per paint
                texts = tuple(self._display(observation, c) for c in range(len(COLUMNS)))
                self._texts.put(observation, texts)
            return texts[column]
        if role == _FOREGROUND:
            return self.colours.get(observation.partner) if column == PARTNER else None
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(observation, column)
        if role == SORT_ROLE:
            return self._sort_value(observation, column)
        if role == ID_ROLE:
            return observation.id
        if role == Qt.ItemDataRole.ToolTipRole and column >= len(COLUMNS) - len(TEXT_FIELDS):
            return self._display(observation, column) or None
        return None

    def _display(self, observation: Observation, column: int) -> str:
        if column == TIME:
            return observation.at.strftime("%H:%M:%S")
        if column == PARTNER:
            return self.names.get(observation.partner, f"Partner {observation.partner}")
        if column == STANCE:
            return STANCE_SHORT[observation.stance]
        if column == INTENSITY:
            return str(observation.intensity)
        if column == BOUNDARY:
            return BOUNDARY_LABELS[observation.boundary] if observation.boundary else ""
        if column == STRATEGIES:
            return ", ".join(STRATEGY_LABELS[s] for s in observation.strategies)
        return str(getattr(observation, TEXT_FIELDS[column - STRATEGIES - 1]))

    def _edit_value(self, observation: Observation, column: int) -> Any:
        if column == TIME:
            at = observation.at
            return QTime(at.hour, at.minute, at.second)
        if column == PARTNER:
            return observation.partner.value
        if column == STANCE:
            return observation.stance.value
        if column == INTENSITY:
            return observation.intensity
        if column == BOUNDARY:
            return observation.boundary.value if observation.boundary else ""
        if column == STRATEGIES:
            return ",".join(s.value for s in observation.strategies)
        return self._display(observation, column)

    def _sort_value(self, observation: Observation, column: int) -> Any:
        if column == TIME:
            return observation.at.timestamp()
        if column == INTENSITY:
            return observation.intensity
        if column == STANCE:
            return list(Stance).index(observation.stance)
        return self._display(observation, column).casefold()

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Turn a cell edit into a changed observation and ask for it to be written."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.record is None:
            return False
        before = self.record.at(index.row())
        try:
            after = self._changed(before, index.column(), value)
        except (ValueError, TypeError):
            return False
        if after == before or self.edit_requested is None:
            return False
        self.edit_requested(before, after)
        return True

    def _changed(self, before: Observation, column: int, value: Any) -> Observation:
        replace = dataclasses.replace
        if column == TIME:
            time = value if isinstance(value, QTime) else QTime.fromString(str(value), "HH:mm:ss")
            if not time.isValid():
                raise ValueError(value)
            return with_time(before, time)
        if column == PARTNER:
            return replace(before, partner=PartnerKey(str(value)))
        if column == STANCE:
            return replace(before, stance=Stance(str(value)))
        if column == INTENSITY:
            intensity = int(value)
            if not 1 <= intensity <= 5:
                raise ValueError(value)
            return replace(before, intensity=intensity)
        if column == BOUNDARY:
            return replace(before, boundary=Boundary(str(value)) if value else None)
        if column == STRATEGIES:
            names = [v for v in str(value).split(",") if v]
            return replace(before, strategies=tuple(Strategy(v) for v in names))
        return replace(before, **{TEXT_FIELDS[column - STRATEGIES - 1]: str(value)})


class ObservationFilter(QSortFilterProxyModel):
    """Sorts by raw values and keeps only the chosen partner, stance and strategy."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.partner: PartnerKey | None = None
        self.stance: Stance | None = None
        self.strategy: Strategy | None = None

    def set_filter(
        self,
        *,
        partner: PartnerKey | None = None,
        stance: Stance | None = None,
        strategy: Strategy | None = None,
    ) -> None:
        """Show only rows matching every given value (None matches anything)."""
        self.beginFilterChange()
        self.partner, self.stance, self.strategy = partner, stance, strategy
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Whether the row matches the partner, stance and strategy chosen."""
        source = self.sourceModel()
        if not isinstance(source, ObservationTableModel) or source.record is None:
            return True
        observation = source.observation(source_row)
        return (
            (self.partner is None or observation.partner == self.partner)
            and (self.stance is None or observation.stance == self.stance)
            and (self.strategy is None or self.strategy in observation.strategies)
        )


__all__ = ["COLUMNS", "ID_ROLE", "SORT_ROLE", "ObservationFilter", "ObservationTableModel"]

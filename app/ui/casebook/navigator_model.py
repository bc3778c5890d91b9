"""The case navigator's Qt model: couples -> intensives -> days -> blocks.

Built from the casebook service's plain summaries, so no ORM object or
session ever reaches the view. Items are addressed across reloads (and
across a lock) by their key, `(kind, id)`, which is what the selection is
restored from. `clear()` empties the model when the vault locks.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import TypeAlias, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from app.domain.vocabulary import partner_colour
from app.services.casebook import BlockOutline, CoupleOutline, DayOutline, IntensiveOutline

Summary: TypeAlias = CoupleOutline | IntensiveOutline | DayOutline | BlockOutline
"""What an item of the tree stands for: one of the casebook service's summaries."""

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 3

COUPLE, INTENSIVE, DAY, BLOCK = "couple", "intensive", "day", "block"
ItemKey = tuple[str, int]
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class _Node:
    kind: str
    id: int
    label: str
    tooltip: str
    summary: Summary
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    row: int = 0
    dimmed: bool = False

    def add(self, child: _Node) -> None:
        child.parent, child.row = self, len(self.children)
        self.children.append(child)


def _time(moment: datetime | time) -> str:
    return str(moment.strftime("%H:%M"))


def long_date(day: date) -> str:
    """Like 2 Nov 2026 (without the platform-specific %-d)."""
    return f"{day.day} {day.strftime('%b %Y')}"


def short_date(day: date) -> str:
    """Like Mon 2 Nov."""
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


def _couple_node(couple: CoupleOutline) -> _Node:
    a, b = couple.partners
    node = _Node(
        COUPLE,
        couple.id,
        f"{couple.code} — {a.name} & {b.name}",
        f"Couple {couple.code}: {a.name} ({a.pronouns or 'no pronouns given'}) and "
        f"{b.name} ({b.pronouns or 'no pronouns given'})",
        couple,
    )
    for intensive in couple.intensives:
        node.add(_intensive_node(intensive))
    return node


def _intensive_node(intensive: IntensiveOutline) -> _Node:
    first = long_date(intensive.days[0].date) if intensive.days else "no days"
    tags = []
    if intensive.trainee or intensive.supervisor:
        tags.append("supervised")
    if intensive.status == "archived":
        tags.append("archived")
    suffix = f" ({', '.join(tags)})" if tags else ""
    node = _Node(
        INTENSIVE,
        intensive.id,
        f"{intensive.title} · {first}{suffix}",
        f"{intensive.title}, clinician {intensive.clinician}",
        intensive,
        dimmed=intensive.status == "archived",
    )
    for day in intensive.days:
        day_node = _Node(
            DAY,
            day.id,
            f"Day {day.number} · {short_date(day.date)}",
            f"Day {day.number}, {day.date.isoformat()}, {len(day.blocks)} blocks",
            day,
        )
        for block in day.blocks:
            day_node.add(_Node(BLOCK, block.id, _block_label(block), _block_tooltip(block), block))
        node.add(day_node)
    return node


def _block_label(block: BlockOutline) -> str:
    end = f"–{_time(block.end)}" if block.end else ""
    signed = "  · signed" if block.signed else ""
    return f"{_time(block.start)}{end}  {block.title}{signed}"


def _block_tooltip(block: BlockOutline) -> str:
    return f"{block.title} ({block.kind}), {block.observation_count} observations"


Child = TypeVar("Child", BlockOutline, DayOutline, IntensiveOutline)


def _swapped(items: tuple[Child, ...], new: Child) -> tuple[Child, ...]:
    return tuple(new if item.id == new.id else item for item in items)


def _with_child(summary: Summary, child: Summary) -> Summary:
    """`summary` with its item that has `child`'s id (a block, day or intensive) replaced."""
    if isinstance(summary, DayOutline) and isinstance(child, BlockOutline):
        return replace(summary, blocks=_swapped(summary.blocks, child))
    if isinstance(summary, IntensiveOutline) and isinstance(child, DayOutline):
        return replace(summary, days=_swapped(summary.days, child))
    if isinstance(summary, CoupleOutline) and isinstance(child, IntensiveOutline):
        return replace(summary, intensives=_swapped(summary.intensives, child))
    raise TypeError(f"a {type(child).__name__} is not a child of a {type(summary).__name__}")


class NavigatorModel(QAbstractItemModel):
    """A read-only tree of the casebook; reload with `set_casebook`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._roots: list[_Node] = []

    def set_casebook(self, couples: list[CoupleOutline]) -> None:
        """Replace the whole tree with these couple summaries."""
        self.beginResetModel()
        self._roots = []
        for row, couple in enumerate(couples):
            node = _couple_node(couple)
            node.row = row
            self._roots.append(node)
        self.endResetModel()

    def clear(self) -> None:
        """Drop every item (the vault is locking)."""
        self.set_casebook([])

    def _node(self, index: AnyIndex) -> _Node | None:
        if not index.isValid():
            return None
        node = index.internalPointer()
        assert isinstance(node, _Node)
        return node

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        """The index of a child of `parent`."""
        if column != 0 or row < 0:
            return QModelIndex()
        owner = self._node(parent)
        children = self._roots if owner is None else owner.children
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """The index of the item's parent (invalid for couples)."""
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """How many children `parent` has."""
        if parent.isValid() and parent.column() != 0:
            return 0
        owner = self._node(parent)
        return len(self._roots if owner is None else owner.children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """One column: the item's label."""
        return 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Label, tooltip, accessible text, and the item's kind, id and summary."""
        node = self._node(index)
        if node is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return node.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return node.tooltip
        if role == Qt.ItemDataRole.ForegroundRole and node.dimmed:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.DecorationRole and isinstance(node.summary, CoupleOutline):
            return QColor(partner_colour("A", node.summary.partners[0].colour))
        if role == KIND_ROLE:
            return node.kind
        if role == ID_ROLE:
            return node.id
        if role == SUMMARY_ROLE:
            return node.summary
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """The single column's header."""
        if (
            orientation == Qt.Orientation.Horizontal
            and section == 0
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return "Couples and intensives"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Items can be selected, not edited in place."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._node(index) is not None and not self._node(index).children:  # type: ignore[union-attr]
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def update_block(self, block_id: int, *, signed: bool, observation_count: int) -> bool:
        """Show a block's new signature state and count, here and in its day, intensive, couple.

        The workspace changes these during a session; the summaries above the
        block embed it, so each ancestor's summary is rebuilt with the new one.
        Returns False if the block is not in the tree.
        """
        index = self.find((BLOCK, block_id))
        node = self._node(index)
        if node is None:
            return False
        assert isinstance(node.summary, BlockOutline)
        block = replace(node.summary, signed=signed, observation_count=observation_count)
        node.summary = block
        node.label, node.tooltip = _block_label(block), _block_tooltip(block)
        child, parent = node, node.parent
        while parent is not None:
            parent.summary = _with_child(parent.summary, child.summary)
            child, parent = parent, parent.parent
        self.dataChanged.emit(index, index)
        return True

    def find(self, key: ItemKey) -> QModelIndex:
        """The index of the item with this key, or an invalid index."""
        stack = list(self._roots)
        while stack:
            node = stack.pop()
            if (node.kind, node.id) == key:
                return self.createIndex(node.row, 0, node)
            stack.extend(node.children)
        return QModelIndex()

    def all_labels(self) -> list[str]:
        """Every label in the tree (tests check none is left after locking)."""
        labels, stack = [], list(self._roots)
        while stack:
            node = stack.pop()
            labels.append(node.label)
            stack.extend(node.children)
        return labels


class NavigatorFilter(QSortFilterProxyModel):
    """Case-insensitive text filter that keeps the ancestors and children of a match."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(0)


def key_of(index: AnyIndex) -> ItemKey | None:
    """The (kind, id) of an index of the model or of a proxy over it."""
    if not index.isValid():
        return None
    return (str(index.data(KIND_ROLE)), int(index.data(ID_ROLE)))

"""The case navigator's Qt model: couples -> intensives -> days -> blocks.

Built from the casebook service's plain summaries, so no ORM object or
session ever reaches the view. Items are addressed across reloads (and
across a lock) by their key, `(kind, id)`, which is what the selection is
restored from. `clear()` empties the model when the vault locks.

Lazy below the intensives: the tree starts with couples and intensive
*headers*; an intensive's days and blocks are read (through the `Loader`
the controller gives) when the view expands it (`fetchMore`), when its
summary is asked for (`ensure_loaded`), or when a day or block inside it is
looked up by key (`find`). A ten-year vault holds 7,000 blocks; reading and
labelling them all at unlock cost most of it. After an edit the controller
swaps one couple's or one intensive's items (`replace_couple`,
`replace_intensive`) instead of resetting the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from functools import lru_cache
from typing import Protocol, TypeAlias, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from crucible.app.domain.vocabulary import partner_colour
from crucible.app.services.casebook import BlockOutline, CoupleOutline, DayOutline, IntensiveOutline

Summary: TypeAlias = CoupleOutline | IntensiveOutline | DayOutline | BlockOutline
"""What an item of the tree stands for: one of the casebook service's summaries."""

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 3

COUPLE, INTENSIVE, DAY, BLOCK = "couple", "intensive", "day", "block"
# Computed once: the view asks every row's flags and label at each layout and
# filter pass, and enum `|` and attribute lookups cost microseconds in Python.
_ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_LEAF_FLAGS = _ITEM_FLAGS | Qt.ItemFlag.ItemNeverHasChildren
_LABEL_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
ItemKey = tuple[str, int]
AnyIndex = QModelIndex | QPersistentModelIndex


class Loader(Protocol):
    """Reads what the model shows lazily: one intensive's outline, and where an item lives."""

    def intensive(self, intensive_id: int) -> IntensiveOutline:
        """The intensive with its days and blocks."""

    def holder(self, key: ItemKey) -> int | None:
        """The id of the intensive holding a day or block (None if it is gone)."""


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
    fetched: bool = True
    """False for an intensive header whose days and blocks are not read yet."""

    def add(self, child: _Node) -> None:
        child.parent, child.row = self, len(self.children)
        self.children.append(child)


def _time(moment: datetime | time) -> str:
    """Like 09:05 (what strftime("%H:%M") gives, without its cost: see `_month_year`)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


@lru_cache(maxsize=1024)
def _month_year(year: int, month: int) -> str:
    """Like "Nov 2026", in the locale's month name: strftime once per month.

    Each `strftime` imports the time module, through PySide's import hook
    (decision 0027): two Python calls a label, about 5 ms of a ten-year
    vault's 450 intensive labels at unlock (issue 16).
    """
    return date(year, month, 1).strftime("%b %Y")


def long_date(day: date) -> str:
    """Like 2 Nov 2026 (without the platform-specific %-d)."""
    return f"{day.day} {_month_year(day.year, day.month)}"


@lru_cache(maxsize=4096)
def short_date(day: date) -> str:
    """Like Mon 2 Nov (day and month names of the locale; once per date, see `_month_year`)."""
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')}"


def _couple_node(couple: CoupleOutline) -> _Node:
    label, tooltip = _couple_texts(couple)
    node = _Node(COUPLE, couple.id, label, tooltip, couple)
    for intensive in couple.intensives:
        node.add(_intensive_node(intensive))
    return node


def _couple_texts(couple: CoupleOutline) -> tuple[str, str]:
    a, b = couple.partners
    return (
        f"{couple.code} — {a.name} & {b.name}",
        f"Couple {couple.code}: {a.name} ({a.pronouns or 'no pronouns given'}) and "
        f"{b.name} ({b.pronouns or 'no pronouns given'})",
    )


COSIGNED_MARK = " · co-signed"
"""After an intensive whose latest returned review carries a supervisor's co-signature."""


def _intensive_texts(intensive: IntensiveOutline) -> tuple[str, str]:
    first_day = intensive.first_day
    first = long_date(first_day) if first_day is not None else "no days"
    tags = []
    if intensive.trainee or intensive.supervisor:
        tags.append("supervised")
    if intensive.status == "archived":
        tags.append("archived")
    suffix = f" ({', '.join(tags)})" if tags else ""
    mark = COSIGNED_MARK if intensive.cosigned else ""
    return (
        f"{intensive.title} · {first}{suffix}{mark}",
        f"{intensive.title}, clinician {intensive.clinician}",
    )


def _intensive_node(intensive: IntensiveOutline) -> _Node:
    label, tooltip = _intensive_texts(intensive)
    node = _Node(
        INTENSIVE,
        intensive.id,
        label,
        tooltip,
        intensive,
        dimmed=intensive.status == "archived",
        fetched=intensive.loaded,
    )
    for day_node in _day_nodes(intensive):
        node.add(day_node)
    return node


def _day_nodes(intensive: IntensiveOutline) -> list[_Node]:
    nodes = []
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
        nodes.append(day_node)
    return nodes


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

    def __init__(self, parent: QObject | None = None, loader: Loader | None = None) -> None:
        super().__init__(parent)
        self._roots: list[_Node] = []
        self._loader = loader
        self._found: dict[ItemKey, _Node] = {}
        """Nodes found by key before: checked still in place before use (see `_find_listed`)."""

    def set_casebook(self, couples: list[CoupleOutline]) -> None:
        """Replace the whole tree with these couple summaries."""
        self.beginResetModel()
        self._roots, self._found = [], {}
        for row, couple in enumerate(couples):
            node = _couple_node(couple)
            node.row = row
            self._roots.append(node)
        self.endResetModel()

    def top_nodes(self) -> list[_Node]:
        """The couples' nodes, in their rows (the filter reads the tree through them)."""
        return self._roots

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
        """The index of a child of `parent`.

        Called thousands of times a keystroke by the filter and the view's
        layout, so `_node` is inlined (one Python frame fewer per call).
        """
        if column != 0 or row < 0:
            return QModelIndex()
        children = parent.internalPointer().children if parent.isValid() else self._roots
        if row >= len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        """The index of the item's parent (invalid for couples).

        This and the other methods Qt calls per row read the node straight
        from the index (None for an invalid one) rather than through
        `_node`: the layout of a ten-year vault's tree makes about 8,000 such
        calls, and a Python frame and an `isValid()` fewer each is a few
        milliseconds (issue 16).
        """
        node = index.internalPointer()
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """How many children `parent` has."""
        node = parent.internalPointer()
        if node is None:
            return len(self._roots)
        return len(node.children) if parent.column() == 0 else 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """One column: the item's label."""
        return 1

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Label, tooltip, accessible text, and the item's kind, id and summary."""
        node = index.internalPointer()
        if node is None:
            return None
        if role in _LABEL_ROLES:
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
        node = index.internalPointer()
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        return _LEAF_FLAGS if node.fetched and not node.children else _ITEM_FLAGS

    # ------------------------------------------------------------------ lazy children

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        """An intensive not read yet may have days: the view draws it expandable."""
        node = parent.internalPointer()
        if node is None:
            return bool(self._roots)
        return bool(node.children) or not node.fetched

    def canFetchMore(self, parent: AnyIndex) -> bool:
        """Whether `parent` is an intensive whose days and blocks are not read yet."""
        node = parent.internalPointer()
        return node is not None and not node.fetched and self._loader is not None

    def fetchMore(self, parent: AnyIndex) -> None:
        """Read the intensive's days and blocks (the view calls this when it is expanded)."""
        node = self._node(parent)
        if node is not None and not node.fetched and self._loader is not None:
            self._fill(node, self._loader.intensive(node.id))

    def ensure_loaded(self, key: ItemKey) -> None:
        """Read an intensive's days now, if it is listed and not read yet."""
        node = self._find_listed(key)
        if node is not None and not node.fetched:
            self.fetchMore(self.createIndex(node.row, 0, node))

    def _fill(self, node: _Node, outline: IntensiveOutline) -> None:
        """Put a freshly read outline under its intensive node, as inserted rows."""
        node.summary, node.fetched = outline, True
        node.label, node.tooltip = _intensive_texts(outline)
        days = _day_nodes(outline)
        index = self.createIndex(node.row, 0, node)
        if days:
            self.beginInsertRows(index, 0, len(days) - 1)
            node.children = []
            for day in days:
                node.add(day)
            self.endInsertRows()
        self._rebuild_ancestors(node)
        self.dataChanged.emit(index, index)

    def replace_intensive(self, outline: IntensiveOutline) -> bool:
        """After an edit inside an intensive: update its items, not the tree.

        When the days and blocks are the same items in the same order (a
        retitle, a new time, a signature) each changed row is updated in
        place; otherwise the intensive's children are removed and inserted
        again. Returns False if the intensive is not listed.
        """
        node = self._find_listed((INTENSIVE, outline.id))
        if node is None:
            return False
        if not node.fetched:
            node.summary = replace(outline, days=(), loaded=False, first_date=outline.first_day)
            node.label, node.tooltip = _intensive_texts(outline)
            self._rebuild_ancestors(node)
            index = self.createIndex(node.row, 0, node)
            self.dataChanged.emit(index, index)
            return True
        new_days = _day_nodes(outline)
        same = [(d.id, [b.id for b in d.children]) for d in new_days] == [
            (d.id, [b.id for b in d.children]) for d in node.children
        ]
        if not same:
            index = self.createIndex(node.row, 0, node)
            if node.children:
                self.beginRemoveRows(index, 0, len(node.children) - 1)
                node.children = []
                self.endRemoveRows()
            node.fetched = False
            self._fill(node, outline)
            return True
        # Summaries above a block embed it, so they are all swapped; a row is
        # announced only when what it shows (label, tooltip) changed.
        pairs = [(node, _intensive_node(outline))]
        for old_day, new_day in zip(node.children, new_days, strict=True):
            pairs.append((old_day, new_day))
            pairs.extend(zip(old_day.children, new_day.children, strict=True))
        for old, new in pairs:
            shown = (old.label, old.tooltip) != (new.label, new.tooltip)
            old.label, old.tooltip, old.summary = new.label, new.tooltip, new.summary
            if shown:
                changed = self.createIndex(old.row, 0, old)
                self.dataChanged.emit(changed, changed)
        node.summary = outline
        self._rebuild_ancestors(node)
        return True

    def replace_couple(self, couple: CoupleOutline) -> bool:
        """After an edit of a couple (code, partners): update its row; its intensives stay."""
        node = self._find_listed((COUPLE, couple.id))
        if node is None:
            return False
        listed = {child.id: child.summary for child in node.children}
        intensives = tuple(listed.get(i.id, i) for i in couple.intensives)
        node.summary = replace(couple, intensives=intensives)  # type: ignore[arg-type]
        node.label, node.tooltip = _couple_texts(couple)
        index = self.createIndex(node.row, 0, node)
        self.dataChanged.emit(index, index)
        return True

    def _rebuild_ancestors(self, node: _Node) -> None:
        child, parent = node, node.parent
        while parent is not None:
            parent.summary = _with_child(parent.summary, child.summary)
            child, parent = parent, parent.parent

    def update_block(self, block_id: int, *, signed: bool, observation_count: int) -> bool:
        """Show a block's new signature state and count, here and in its day, intensive, couple.

        The workspace changes these during a session; the summaries above the
        block embed it, so each ancestor's summary is rebuilt with the new one.
        Returns False if the block is not in the tree.
        """
        node = self._find_listed((BLOCK, block_id))
        if node is None:
            return False  # not read yet: it will be read as it is now
        assert isinstance(node.summary, BlockOutline)
        block = replace(node.summary, signed=signed, observation_count=observation_count)
        node.summary = block
        node.label, node.tooltip = _block_label(block), _block_tooltip(block)
        self._rebuild_ancestors(node)
        index = self.createIndex(node.row, 0, node)
        self.dataChanged.emit(index, index)
        return True

    def find(self, key: ItemKey) -> QModelIndex:
        """The index of the item with this key, or an invalid index.

        A day or block of an intensive not read yet is found by asking the
        loader which intensive holds it, and reading that one.
        """
        node = self._find_listed(key)
        if node is None and key[0] in (DAY, BLOCK) and self._loader is not None:
            holder = self._loader.holder(key)
            if holder is not None:
                self.ensure_loaded((INTENSIVE, holder))
                node = self._find_listed(key)
        return QModelIndex() if node is None else self.createIndex(node.row, 0, node)

    def _find_listed(self, key: ItemKey) -> _Node | None:
        """The node with this key among the items already read (nothing is read).

        A live key updates the open block's row at every keystroke, and on a
        ten-year vault a walk of the tree visits 500 couples each time; the
        node found last time is used again if it still sits where its row
        and parents say, in the tree the model holds now.
        """
        known = self._found.get(key)
        if known is not None and self._in_place(known):
            return known
        node = self._walk(key)
        if node is not None:
            self._found[key] = node
        return node

    def _in_place(self, node: _Node) -> bool:
        """Whether the node is in the current tree at its row, under its parents."""
        while node.parent is not None:
            siblings = node.parent.children
            if node.row >= len(siblings) or siblings[node.row] is not node:
                return False
            node = node.parent
        return node.row < len(self._roots) and self._roots[node.row] is node

    def _walk(self, key: ItemKey) -> _Node | None:
        kind, wanted = key
        for couple in self._roots:
            if kind == COUPLE:
                if couple.id == wanted:
                    return couple
                continue
            for intensive in couple.children:
                if kind == INTENSIVE:
                    if intensive.id == wanted:
                        return intensive
                    continue
                for day in intensive.children:
                    if kind == DAY and day.id == wanted:
                        return day
                    if kind == BLOCK:
                        for block in day.children:
                            if block.id == wanted:
                                return block
        return None

    def read_intensives(self) -> list[QModelIndex]:
        """The intensives whose days are read and which have some: the only ones that can be open.

        A walk over the couples' children in plain Python (no Qt call per
        unread header), for the filter's expanding after each keystroke.
        """
        return [
            self.createIndex(intensive.row, 0, intensive)
            for couple in self._roots
            for intensive in couple.children
            if intensive.fetched and intensive.children
        ]

    def intensives_starting_near(self, today: date, within_days: int) -> list[QModelIndex]:
        """The active intensives whose first day is within `within_days` of `today`.

        Walks the nodes in plain Python: at unlock, asking each of 500
        intensive rows for its summary through the proxy cost a Qt round trip
        per row.
        """
        found = []
        for couple in self._roots:
            for intensive in couple.children:
                outline = intensive.summary
                assert isinstance(outline, IntensiveOutline)
                first = outline.first_day
                if first is None or outline.status == "archived":
                    continue
                if abs((first - today).days) <= within_days:
                    found.append(self.createIndex(intensive.row, 0, intensive))
        return found

    def all_labels(self) -> list[str]:
        """Every label in the tree (tests check none is left after locking)."""
        labels, stack = [], list(self._roots)
        while stack:
            node = stack.pop()
            labels.append(node.label)
            stack.extend(node.children)
        return labels


def key_of(index: AnyIndex) -> ItemKey | None:
    """The (kind, id) of an index of the model or of a proxy over it."""
    if not index.isValid():
        return None
    return (str(index.data(KIND_ROLE)), int(index.data(ID_ROLE)))

"""A table view that paints only the new rows when rows are appended at its end.

Why: every live key adds one row at the end of the block's table and
scrolls to it. Qt answers any change in the number of rows by laying the
view out again and repainting its whole viewport, and each visible cell
then asks the Python model for seven roles: about 15 ms a key on the
reference machine, the largest part of a keypress (docs/performance.md,
"Live workspace"). When the only change since the last layout is rows
appended at the end, the cells already on screen have not changed: the
layout needs only the new geometry (the scroll bar's range), the scroll
moves the painted pixels (Qt copies them), and only the new rows are
painted. Anything else (a reset, a removal, a row inserted before the end,
sorting, filtering, a new model) takes Qt's whole layout and repaint.

Scrolling is per pixel, so that a scroll moves the pixels by exactly the
rows' height. Per item, Qt realigns the last row with the bottom edge after
the scroll, which copied pixels cannot follow.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QMetaObject,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
)
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex


class AppendingTableView(QTableView):
    """A `QTableView` whose layout after rows appended at the end repaints only those rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._first_appended: int | None = None
        self._whole_layout_due = True
        self._connections: list[QMetaObject.Connection] = []
        self.whole_layouts = 0
        """How many layouts repainted the whole viewport (tests read it)."""
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        """Show another model; the next layout is a whole one."""
        for connection in self._connections:
            QObject.disconnect(connection)
        self._connections = []
        if model is not None:
            for signal in (
                model.layoutChanged,
                model.rowsMoved,
                model.rowsRemoved,
                model.columnsInserted,
                model.columnsRemoved,
                model.columnsMoved,
                model.modelReset,
            ):
                self._connections.append(signal.connect(self._structure_changed))
        self._structure_changed()
        super().setModel(model)

    def _structure_changed(self, *_args: object) -> None:
        self._whole_layout_due = True

    def rowsInserted(self, parent: Index, start: int, end: int) -> None:
        """Note rows appended at the end; any other insertion needs a whole layout."""
        model = self.model()
        if model is None or parent.isValid() or end != model.rowCount() - 1:
            self._whole_layout_due = True
        elif self._first_appended is None or start < self._first_appended:
            self._first_appended = start
        super().rowsInserted(parent, start, end)

    def scrollTo(
        self,
        index: Index,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        """Scroll with the new rows already laid out (else the scroll bar stops a row short)."""
        self.executeDelayedItemsLayout()
        super().scrollTo(index, hint)

    def doItemsLayout(self) -> None:
        """Qt's layout, or, after appended rows only, the new geometry and the new rows' paint."""
        first, self._first_appended = self._first_appended, None
        whole, self._whole_layout_due = self._whole_layout_due, False
        if whole or first is None:
            self.whole_layouts += 1
            super().doItemsLayout()
            return
        self.updateGeometries()
        viewport = self.viewport()
        top = max(0, self.rowViewportPosition(first))
        if top < viewport.height():
            viewport.update(0, top, viewport.width(), viewport.height() - top)

"""The observation table's behaviour: filters, sorting, deleting the selected row, selecting by id.

The view shows the source model directly while the table is in its natural
order (by time, nothing filtered) and the sort/filter proxy otherwise. Every
cell painted through the proxy costs a second call into Python per role (the
proxy asks the source for an index each time), and during a live session,
where the table repaints after every key, that was a third of the budget.
While the proxy is not shown it is not attached to the model either: attached,
it ran its Python filter over every row of a block twice as the block opened.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut

from crucible.app.domain.vocabulary import PartnerKey, Stance, Strategy
from crucible.app.ui.block.observation_delegates import ObservationDelegate
from crucible.app.ui.block.observation_table_model import (
    ID_ROLE,
    ObservationFilter,
    ObservationTableModel,
)
from crucible.app.ui.block.observation_table_view import ObservationTableView


class ObservationTable(QObject):
    """Connects the table view to its model and filter; asks the workspace to delete."""

    def __init__(
        self,
        view: ObservationTableView,
        model: ObservationTableModel,
        delete_requested: Callable[[int], object],
    ) -> None:
        super().__init__(view)
        self.view = view
        self.model = model
        self.proxy = ObservationFilter(self)  # attached only while shown (see _arrange)
        self.delegate = ObservationDelegate({}, self)
        view.table.setModel(model)
        view.table.setItemDelegate(self.delegate)
        view.table.setSortingEnabled(False)  # sorting goes through _arrange (it hides the arrow)
        header = view.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._arrange)
        view.size_columns()
        self.delete_requested = delete_requested
        for combo in (view.partner_filter, view.stance_filter, view.strategy_filter):
            combo.currentIndexChanged.connect(self._filter)
        view.delete.clicked.connect(self.delete_selected)
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), view.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.delete_selected)
        self._table = view.table
        view.table.installEventFilter(self)
        for signal in (
            model.rowsInserted,
            model.rowsRemoved,
            model.modelReset,
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._count)

    def show_partners(self, names: dict[PartnerKey, str]) -> None:
        """Name the partners in the partner filter and the partner editor."""
        combo = self.view.partner_filter
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for key, name in names.items():
            combo.addItem(name, key.value)
        combo.setCurrentIndex(0)
        combo.blockSignals(False)
        self.delegate.names = dict(names)
        self._filter()

    def clear(self) -> None:
        """Forget the partner names (the model is emptied by its owner)."""
        self.show_partners({})
        self.view.count.clear()

    def _filter(self) -> None:
        partner = self.view.partner_filter.currentData()
        stance = self.view.stance_filter.currentData()
        strategy = self.view.strategy_filter.currentData()
        if not (partner or stance or strategy):
            self._let_go_of_proxy()  # not filtered over again only to be let go
        self.proxy.set_filter(
            partner=PartnerKey(partner) if partner else None,
            stance=Stance(stance) if stance else None,
            strategy=Strategy(strategy) if strategy else None,
        )
        self._arrange()
        self._count()

    def _arrange(self, *_args: object) -> None:
        """Sort the proxy as the header says; show the source itself when nothing is changed."""
        header = self.view.table.horizontalHeader()
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        proxy = self.proxy
        natural = (
            column == 0
            and order == Qt.SortOrder.AscendingOrder
            and proxy.partner is None
            and proxy.stance is None
            and proxy.strategy is None
        )
        if natural:
            self._let_go_of_proxy()
        elif proxy.sourceModel() is not self.model:
            proxy.setSourceModel(self.model)
        # Unsorted, the proxy keeps the source's order, which is time order.
        proxy.sort(-1 if natural else column, order)
        wanted = self.model if natural else proxy
        table = self.view.table
        if table.model() is not wanted:
            current = self.selected_id()
            table.setModel(wanted)
            header.setSortIndicator(column, order)
            if current is not None:
                self.select_observation(current)

    def _let_go_of_proxy(self) -> None:
        """Detach the proxy from the model (Qt takes no model; its stub does not say so)."""
        self.proxy.setSourceModel(None)  # type: ignore[arg-type]

    def _count(self, *_args: object) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount() if self.proxy.sourceModel() is self.model else total
        if self.model.record is None:
            self.view.count.clear()
        elif shown == total:
            self.view.count.setText(f"{total} observations")
        else:
            self.view.count.setText(f"{shown} of {total} observations")

    def selected_id(self) -> int | None:
        """The id of the selected observation, if a row is selected."""
        rows = self.view.table.selectionModel().selectedRows()
        value = rows[0].data(ID_ROLE) if rows else None
        return int(value) if value is not None else None

    def view_index(self, observation_id: int) -> QModelIndex:
        """Where the table shows an observation (invalid if not shown)."""
        row = self.model.row_of(observation_id)
        if row is None:
            return QModelIndex()
        index = self.model.index(row, 0)
        return index if self.view.table.model() is self.model else self.proxy.mapFromSource(index)

    def delete_selected(self) -> None:
        """Delete the selected observation (undoable)."""
        observation_id = self.selected_id()
        if observation_id is not None:
            self.delete_requested(observation_id)

    def select_observation(self, observation_id: int) -> bool:
        """Select and reveal an observation (False if filtered out or unknown)."""
        index = self.view_index(observation_id)
        if not index.isValid():
            return False
        self.view.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.table.scrollTo(index)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Return on a cell starts editing it, as double-click does."""
        table = self._table
        if (
            watched is table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and table.state() != table.State.EditingState
            and table.currentIndex().isValid()
        ):
            table.edit(table.currentIndex())
            return True
        return False

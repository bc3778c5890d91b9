"""The search palette (Ctrl+K): widgets only; `search_controller.py` reacts.

A window-modal dialog over the casebook: a query line, one row of filters,
and the results grouped by couple and intensive. Each result shows where it
is (block, day, partner, field) and a snippet with the match highlighted;
the highlighting is drawn by `SnippetDelegate` from the HTML the controller
puts in the model, so the tree stays a plain QTreeView over a
QStandardItemModel. Everything works from the keyboard: Down moves from the
query into the results, Enter opens the current one, Escape closes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.vocabulary import STANCE_SHORT, Stance

ANY_DATE = QDate(2000, 1, 1)
"""The dates' minimum, shown as "Any": no bound on that side."""

Index = QModelIndex | QPersistentModelIndex


class SnippetDelegate(QStyledItemDelegate):
    """Draws an item's text as rich text (the snippet's highlighted match)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Laid-out documents by their HTML: sizeHint and paint both need one for
        # every row, and parsing the HTML again each time doubled the drawing.
        self._documents: dict[str, QTextDocument] = {}

    def forget(self) -> None:
        """Drop the laid-out documents (new results, or the palette's text scrubbed)."""
        self._documents.clear()

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        html = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        document = self._documents.get(html)
        if document is None:
            document = QTextDocument()
            document.setDefaultFont(option.font)
            document.setHtml(html)
            self._documents[html] = document
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """The item's background and selection as usual, then its HTML."""
        self.initStyleOption(option, index)
        document = self._document(option, index)
        option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(rect.left() + 4, rect.top() + 2)
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """As tall as the rich text needs."""
        self.initStyleOption(option, index)
        size = self._document(option, index).size()
        return QSize(int(size.width()) + 8, int(size.height()) + 4)


class _QueryLine(QLineEdit):
    """The query field; Down hands the keyboard to the results."""

    def __init__(self) -> None:
        super().__init__()
        self.on_down: Callable[[], None] | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Down (or Page Down) moves into the results, as in any search palette."""
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and self.on_down is not None:
            self.on_down()
            return
        super().keyPressEvent(event)


class SearchPaletteView(QDialog):
    """Query, filters, grouped results and a status line."""

    opened_requested = Signal(QModelIndex)
    """Enter or a double click on a result."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Find in casebook")
        self.setAccessibleName("Find in casebook")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.query = _QueryLine()
        self.query.setPlaceholderText('Words, "a phrase", -excluded…')
        self.query.setAccessibleName("Search text")
        self.query.setClearButtonEnabled(True)
        layout.addWidget(self.query)
        layout.addLayout(self._filters())
        self.results = QTreeView()
        self.results.setAccessibleName("Search results")
        self.results.setHeaderHidden(True)
        self.results.setRootIsDecorated(True)
        self.results.setUniformRowHeights(False)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.snippets = SnippetDelegate(self.results)
        self.results.setItemDelegate(self.snippets)
        self.results.doubleClicked.connect(self.opened_requested)
        layout.addWidget(self.results, 1)
        self.status = QLabel("Type to search every note, quote and reflection.")
        self.status.setAccessibleName("Search status")
        # Plain buttons, not a QDialogButtonBox: the box makes its own button
        # the default on show, and Enter must open the current result.
        self.open_button = QPushButton("&Open")
        self.open_button.setAccessibleName("Open the result")
        self.open_button.setDefault(True)  # Enter, from the query or the results
        self.open_button.clicked.connect(self._open_current)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)
        self.query.on_down = self._into_results

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.couple = QComboBox()
        self.couple.setAccessibleName("Couple")
        self.couple.addItem("All couples", None)
        self.date_from = self._date("From")
        self.date_to = self._date("To")
        self.partner = QComboBox()
        self.partner.setAccessibleName("Partner")
        for label, key in (("Either partner", None), ("Partner A", "A"), ("Partner B", "B")):
            self.partner.addItem(label, key)
        self.stance = QComboBox()
        self.stance.setAccessibleName("Stance")
        self.stance.addItem("Any stance", None)
        for stance in Stance:
            self.stance.addItem(STANCE_SHORT[stance], stance.value)
        self.signed = QComboBox()
        self.signed.setAccessibleName("Notes")
        for label, value in (("Signed or draft", None), ("Signed notes", True), ("Drafts", False)):
            self.signed.addItem(label, value)
        self.archived = QCheckBox("Include &archived")
        for widget in (self.couple, self.date_from, self.date_to, self.partner, self.stance):
            row.addWidget(widget)
        row.addWidget(self.signed)
        row.addWidget(self.archived)
        row.addStretch(1)
        return row

    @staticmethod
    def _date(name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setAccessibleName(f"{name} date")
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(ANY_DATE)
        edit.setSpecialValueText(f"{name}: any")
        edit.setDate(ANY_DATE)
        return edit

    def _into_results(self) -> None:
        model = self.results.model()
        if model is None or model.rowCount() == 0:
            return
        self.results.setFocus(Qt.FocusReason.OtherFocusReason)
        current = self.results.currentIndex()
        if not current.isValid() or model.hasChildren(current):  # a heading, not a result
            leaf = current if current.isValid() else model.index(0, 0)
            while model.hasChildren(leaf):
                leaf = model.index(0, 0, leaf)
            self.results.setCurrentIndex(leaf)

    def _open_current(self) -> None:
        """Open: the current result, or (none chosen yet) the first one is made current."""
        index = self.results.currentIndex()
        model = self.results.model()
        if index.isValid() and model is not None and not model.hasChildren(index):
            self.opened_requested.emit(index)
        else:
            self._into_results()


__all__ = ["ANY_DATE", "SearchPaletteView", "SnippetDelegate"]

"""The navigator's filter: rows whose label holds the typed text, with ancestors and descendants.

Qt's recursive filtering (`setRecursiveFilteringEnabled`,
`setAutoAcceptChildRows`) decides this through the Python model: for each
row an `index()` and a `data()` call, for each row that does not match a
walk over its children (`index`, `rowCount`), for each row under a parent a
walk up (`parent`). On a ten-year vault that was about 5,000 calls into
Python a keystroke, 10-80 ms (issue 16). Here Qt asks one Python function
per row, which reads the model's nodes directly, and Qt's own recursion is
off.

The answers are Qt's: a row is shown when its label contains the text
(case-insensitive, the escaped text as a `QRegularExpression`), when an
ancestor's label does (a match brings its children), or when a
descendant's does (a match brings its ancestors). When both the text and a
label are ASCII they are compared in lower case, which is what PCRE2's
caseless matching does for ASCII; anything else goes through the very
expression Qt would use.

Qt's recursion also re-checked a changed row's ancestors when the model
changed under a set filter (an edit, a block's new status). Here any change
while a filter is set re-runs the filter once, at the next turn of the
event loop; a keystroke runs it at once anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)

from crucible.app.ui.casebook.navigator_model import NavigatorModel

if TYPE_CHECKING:
    from crucible.app.ui.casebook.navigator_model import _Node

AnyIndex = QModelIndex | QPersistentModelIndex


class NavigatorFilter(QSortFilterProxyModel):
    """Case-insensitive text filter that keeps the ancestors and children of a match."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(0)
        self._text = ""
        self._lower: str | None = None
        """The text in lower case when it is ASCII (compared in Python), else None."""
        self._expression: QRegularExpression | None = None
        self._source: NavigatorModel | None = None
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.setInterval(0)
        self._recheck.timeout.connect(self._run_again)

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        """Filter `model` (a NavigatorModel), and re-run the filter when it changes."""
        assert isinstance(model, NavigatorModel)
        super().setSourceModel(model)
        self._source = model
        for signal in (model.dataChanged, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._model_changed)

    def setFilterFixedString(self, pattern: str) -> None:
        """Show the rows whose label holds `pattern` (any case), with ancestors and children."""
        self._recheck.stop()
        self._text = pattern
        self._lower = pattern.lower() if pattern.isascii() else None
        self._expression = None
        super().setFilterFixedString(pattern)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Whether the row, one of its ancestors or one of its descendants matches the text."""
        if not self._text:
            return True
        parent = source_parent.internalPointer()
        source = self._source
        assert source is not None
        siblings = source.top_nodes() if parent is None else parent.children
        if source_row >= len(siblings):
            return False
        node = siblings[source_row]
        above = node.parent
        while above is not None:
            if self._matches(above.label):
                return True
            above = above.parent
        return self._matches(node.label) or self._below(node)

    def _below(self, node: _Node) -> bool:
        return any(self._matches(child.label) or self._below(child) for child in node.children)

    def _matches(self, label: str) -> bool:
        if self._lower is not None and label.isascii():
            return self._lower in label.lower()
        if self._expression is None:  # set by now: Qt filters after storing the expression
            self._expression = self.filterRegularExpression()
        return self._expression.match(label).hasMatch()

    def _model_changed(self, *_args: object) -> None:
        if self._text:
            self._recheck.start()

    def _run_again(self) -> None:
        """All rows again: `invalidateRowsFilter` left out a couple whose block came to match."""
        if self._text:
            self.invalidate()

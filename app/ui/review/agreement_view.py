"""The agreement view: how far the trainee's live coding agrees with the supervisor's.

Widgets only. The top table has a row per block the supervisor coded and a
pooled "Overall" row (event-matched and time-sliced kappa with percent
agreement); choosing a row shows, below it, that row's confusion table
(trainee's stances down the side, the supervisor's across) and the events
only one of them logged. Everything shown is computed by
:func:`app.domain.review.review_agreement` and worded by
:mod:`app.domain.review_format`, as in the PDFs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.intensive import Intensive, Observation
from crucible.app.domain.review import ReviewAgreement
from crucible.app.domain.review_format import agreement_rows, confusion_table, tolerance_phrase
from crucible.app.domain.vocabulary import PartnerKey
from crucible.app.ui.kit import forms
from crucible.app.ui.review.agreement_models import (
    AgreementRowsModel,
    ConfusionModel,
    OneSidedEventsModel,
)

_EXPLAIN = (
    "Event κ: Cohen's kappa on the stances of events both of you logged ({tolerance}). "
    "Time κ: the same over every second, each partner's stance held until the next "
    "observation. Choose a row to see its confusion table and the events only one of you "
    "logged."
)


def _table(name: str) -> QTableView:
    table = QTableView()
    table.setAccessibleName(name)
    table.setObjectName(name.replace(" ", "_").lower())
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def _fit_rows(table: QTableView) -> None:
    """As tall as its rows and header, no taller: a few rows should not float in white space."""
    rows = table.model().rowCount() if table.model() is not None else 0
    height = table.horizontalHeader().sizeHint().height()
    height += rows * table.verticalHeader().defaultSectionSize()
    scrollbar = table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(height + 2 * table.frameWidth() + scrollbar // 2)


class AgreementView(QWidget):
    """Per-block and overall agreement, a confusion table and the one-sided events."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Agreement")
        self._agreement: ReviewAgreement | None = None
        self._labels: Mapping[PartnerKey, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(forms.heading("Agreement: trainee and supervisor", 3))
        self.explain = forms.paragraph("", "About the agreement figures")
        layout.addWidget(self.explain)
        self.empty = QLabel("The supervisor has not coded any block yet.")
        self.empty.setAccessibleName("No agreement yet")
        layout.addWidget(self.empty)
        self.rows_model = AgreementRowsModel(self)
        self.rows = _table("Agreement per block")
        self.rows.setModel(self.rows_model)
        self.rows.verticalHeader().setVisible(False)
        header = self.rows.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.rows)
        below = QHBoxLayout()
        self.confusion_box = QGroupBox("Matched events")
        self.confusion_box.setAccessibleName("Confusion table")
        self.confusion_model = ConfusionModel(self)
        self.confusion = _table("Confusion table")
        self.confusion.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.confusion.setModel(self.confusion_model)
        self.confusion.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.confusion.setAlternatingRowColors(False)
        boxed = QVBoxLayout(self.confusion_box)
        boxed.addWidget(
            QLabel(
                "Rows: the trainee's stance. Columns: the supervisor's. Agreement on the diagonal."
            )
        )
        boxed.addWidget(self.confusion)
        boxed.addStretch(1)
        below.addWidget(self.confusion_box, 1)
        self.one_sided_box = QGroupBox("Logged by one side only")
        self.one_sided_model = OneSidedEventsModel(self)
        self.one_sided = _table("Events logged by one side only")
        self.one_sided.setModel(self.one_sided_model)
        self.one_sided.verticalHeader().setVisible(False)
        self.one_sided.horizontalHeader().setStretchLastSection(True)
        QVBoxLayout(self.one_sided_box).addWidget(self.one_sided)
        below.addWidget(self.one_sided_box, 1)
        layout.addLayout(below, 1)
        self.rows.selectionModel().selectionChanged.connect(self._row_chosen)
        self._set_empty(True)

    def show_agreement(
        self,
        intensive: Intensive,
        agreement: ReviewAgreement,
        partner_labels: Mapping[PartnerKey, str] | None = None,
    ) -> None:
        """Show the agreement of a review of ``intensive`` and choose its first row."""
        self._agreement = agreement
        self._labels = partner_labels or {k: f"Partner {k}" for k in PartnerKey}
        self.explain.setText(_EXPLAIN.format(tolerance=tolerance_phrase(agreement)))
        self.rows_model.set_rows(agreement_rows(intensive, agreement))
        _fit_rows(self.rows)
        self._set_empty(not agreement.blocks)
        if agreement.blocks:
            self.choose_row(0)

    def choose_row(self, row: int) -> None:
        """Select a row of the top table (the last is "Overall")."""
        self.rows.selectRow(row)

    def _set_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        for widget in (self.rows, self.confusion_box, self.one_sided_box):
            widget.setVisible(not empty)

    def _row_chosen(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._agreement is None or not selected.indexes():
            return
        row = self.rows_model.row_at(selected.indexes()[0].row())
        if row is None:
            return
        blocks = self._agreement.blocks
        reports = [blocks[row.position]] if row.position is not None else list(blocks.values())
        self.confusion_box.setTitle(f"Matched events: {row.label}")
        self.confusion_model.set_table(confusion_table(reports))
        _fit_rows(self.confusion)
        trainee: Sequence[Observation] = [o for r in reports for o in r.unmatched_first]
        supervisor: Sequence[Observation] = [o for r in reports for o in r.unmatched_second]
        self.one_sided_box.setTitle(
            f"Logged by one side only: {len(trainee)} trainee, {len(supervisor)} supervisor"
        )
        self.one_sided_model.set_events(trainee, supervisor, self._labels)


__all__ = ["AgreementView"]

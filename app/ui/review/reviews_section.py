"""The casebook's Reviews section: the reviews this (supervisor's) vault received.

A list beside the navigator, not inside it: a review is not one of the
supervisor's own couples, it is a read-only copy of a trainee's
de-identified intensive, so it never mixes with the couples tree. One row
per review: couple code, title, trainee, and what the supervisor has done
with it so far (comments, blocks coded, co-signed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

AnyIndex = QModelIndex | QPersistentModelIndex
ReviewIdRole = Qt.ItemDataRole.UserRole + 1


def describe(listing: Any) -> str:
    """A review's row: "C-0007 · Intensive title — from Alex Kim · 2 comments · co-signed"."""
    parts = [f"{listing.couple_code} · {listing.title}", f"from {listing.trainee}"]
    if listing.comments:
        parts.append(f"{listing.comments} comment{'s' if listing.comments != 1 else ''}")
    if listing.coded_blocks:
        parts.append(f"{len(listing.coded_blocks)} coded")
    parts.append(
        "co-signed" if listing.cosigned_at is not None else f"sent {listing.sent_at:%Y-%m-%d}"
    )
    return " · ".join(parts)


class ReviewsModel(QAbstractListModel):
    """The received reviews (``app.services.review_inbox.ReviewListing`` rows), newest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_reviews(self, listings: Sequence[Any]) -> None:
        """Show these reviews."""
        self.beginResetModel()
        self._rows = list(listings)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Qt's row count."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The row's text, its tooltip (fingerprint), and the review id."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        listing = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return describe(listing)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"Review {listing.id}: sent by {listing.trainee} "
                f"(card {listing.trainee_fingerprint}) on {listing.sent_at:%Y-%m-%d}. "
                "Double-click or press Enter to open."
            )
        if role == ReviewIdRole:
            return listing.id
        return None


class ReviewsSectionView(QWidget):
    """A heading and the list; Enter or a double-click opens a review."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Reviews")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.heading = QLabel("<b>Reviews</b> (from your trainees, read-only)")
        self.heading.setAccessibleName("Reviews heading")
        layout.addWidget(self.heading)
        self.model = ReviewsModel(self)
        self.list = QListView()
        self.list.setAccessibleName("Reviews received")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(120)
        layout.addWidget(self.list)
        self.open_button = QPushButton("Open review")
        self.open_button.setAccessibleName("Open the selected review")
        self.open_button.setToolTip("Or double-click it, or press Enter on it")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        self.empty = QLabel("No review received yet: File › Open review package…")
        self.empty.setAccessibleName("No reviews")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

    def show_reviews(self, listings: Sequence[Any]) -> None:
        """Fill the list; the one-line hint stands in for an empty one."""
        self.model.set_reviews(listings)
        self.list.setVisible(bool(listings))
        self.open_button.setVisible(bool(listings))
        self.empty.setVisible(not listings)

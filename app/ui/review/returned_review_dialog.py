"""The trainee's view of what came back: co-signature, comments, agreement. Widgets only.

Everything here is read-only and lives beside the trainee's own intensive,
never in it: the supervisor's comments per block and on the intensive, the
co-signature line with the card fingerprint, notes changed after review,
and how far the trainee's live coding agrees with the supervisor's (the
same AgreementView the supervisor sees). ReviewDesk fills it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms
from crucible.app.ui.review.agreement_view import AgreementView


class ReturnedReviewDialog(QDialog):
    """The returned review of one intensive: signature and flags, comments, agreement."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Returned review")
        self.setAccessibleName("Returned review")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.resize(1100, 720)
        layout = QVBoxLayout(self)
        self.heading = forms.heading("Returned review", 4)
        layout.addWidget(self.heading)
        self.signed = QLabel()
        self.signed.setAccessibleName("Co-signature")
        self.signed.setWordWrap(True)
        self.signed.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.signed)
        self.flagged = QLabel()
        self.flagged.setAccessibleName("Changed after review")
        self.flagged.setWordWrap(True)
        layout.addWidget(self.flagged)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.comments = QPlainTextEdit()
        self.comments.setReadOnly(True)
        self.comments.setAccessibleName("The supervisor's comments")
        splitter.addWidget(self.comments)
        self.agreement = AgreementView()
        splitter.addWidget(self.agreement)
        splitter.setSizes([220, 480])
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        layout.addWidget(buttons)

    def show_flag(self, text: str | None, colour: str) -> None:
        """The added-after-review line, in the error colour, or nothing."""
        self.flagged.setVisible(bool(text))
        self.flagged.setText(text or "")
        self.flagged.setStyleSheet(f"color: {colour};" if text else "")

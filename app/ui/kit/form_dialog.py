"""A window-modal dialog with a form, that stays open until its submit handler succeeds.

The handler returns None on success or the sentence to show; so a refused
couple code or an end time before the start is explained in place, and the
clinician's typing is not lost. Dialogs open with `open()` (no nested event
loop) and delete themselves when closed, so a lock leaves no text behind.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from crucible.app.ui.kit import forms
from crucible.app.ui.shell import theme

SubmitHandler = Callable[[], str | None]


class FormDialog(QDialog):
    """Title, a form, a message line, OK/Cancel; `on_submit` decides whether it closes."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        ok_text: str,
        error_colour: Callable[[], str] = theme.error_colour,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Crucible — {title}")
        self.setAccessibleName(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(460)
        self._error_colour = error_colour
        self.on_submit: SubmitHandler = lambda: None
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.message = forms.message_line(f"{title}: problem")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setAccessibleName(ok_text.replace("&", ""))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:
        """Open with the cursor in the first field, so typing goes there rather than to OK."""
        super().showEvent(event)
        focused = self.focusWidget()
        if focused is None or self.buttons.isAncestorOf(focused):
            first = self.first_field()
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)

    def first_field(self) -> QWidget | None:
        """The first control that takes the keyboard, outside the OK/Cancel row."""
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            if (
                takes_tab
                and widget.isVisibleTo(self)
                and widget.isEnabled()
                and not self.buttons.isAncestorOf(widget)
            ):
                return widget
            widget = widget.nextInFocusChain()
        return None

    def add_intro(self, text: str, accessible: str) -> QLabel:
        """A wrapped explanation above the form.

        Not a row of the form: a word-wrapped label there lost its first line
        once the message line below appeared (seen under Xvfb).
        """
        intro = forms.paragraph(text, accessible)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, intro)
        return intro

    def add_row(self, text: str, field: QWidget, buddy: QWidget | None = None) -> QLabel:
        """Add a labelled row; `text` may carry a mnemonic for the field (or `buddy`)."""
        label = QLabel(text)
        label.setBuddy(buddy or field)
        label.setAccessibleName(text.replace("&", "").rstrip(":"))
        self.form.addRow(label, field)
        return label

    def fail(self, text: str) -> None:
        """Show why the form was not accepted."""
        forms.show_message(self.message, text, self._error_colour())

    def accept(self) -> None:
        """Close only if the submit handler accepts the values."""
        problem = self.on_submit()
        if problem:
            self.fail(problem)
            return
        super().accept()

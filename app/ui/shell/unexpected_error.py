"""An unexpected exception in any slot or callback reaches the clinician as one sentence.

PySide6 hands an exception raised in a slot (a click, a timer, a background
job's callback) to `sys.excepthook` and carries on; Python's default hook
only prints it to stderr, where nobody sees it, and with its message, which
may quote client text (a name in a KeyError, say). So the app installs its
own hook: a small window says in one sentence that something went wrong,
with "Copy details" for a bug report. The details hold the exception's type
and, for each frame, the file, line and function, never the message or any
variable, so they cannot carry anything from the record. The same details
go to the vault's log (`app.services.logbook`), whose filter enforces that rule.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from crucible.app.services.logbook import client_free_traceback

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]
log = logging.getLogger(__name__)


def client_free_details(error: BaseException) -> str:
    """Type, then "file, line, function" per frame: the log's own rendering of a traceback."""
    return client_free_traceback(error)


def sentence(error: BaseException, times: int = 1) -> str:
    """What the clinician reads: one sentence naming only the kind of problem."""
    again = f" It has happened {times} times." if times > 1 else ""
    return (
        f"Crucible hit an unexpected problem ({type(error).__name__}) and did not finish "
        f"what it was doing.{again}"
    )


class UnexpectedErrorDialog(QDialog):
    """The sentence, "Copy details" (stays open) and Close."""

    def __init__(self, parent: QWidget | None, error: BaseException) -> None:
        super().__init__(parent)
        self.setWindowTitle("Crucible — Unexpected problem")
        self.setAccessibleName("Unexpected problem")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.error_type = type(error).__name__
        self.details = client_free_details(error)
        self.times = 1
        layout = QVBoxLayout(self)
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(32)
        )
        icon.setAccessibleName("Warning")
        self.text = QLabel(sentence(error))
        self.text.setWordWrap(True)
        self.text.setAccessibleName("What happened")
        self.hint = QLabel(
            "Copy the details into a bug report: they name only places in Crucible's code, "
            "nothing from your notes."
        )
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("About the details")
        for widget in (icon, self.text, self.hint):
            layout.addWidget(widget)
        self.buttons = QDialogButtonBox()
        self.copy = QPushButton("&Copy details")
        self.copy.setAccessibleName("Copy details")
        self.buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setDefault(True)
        self.copy.clicked.connect(self.copy_details)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def copy_details(self) -> None:
        """Put the client-free details on the clipboard."""
        QGuiApplication.clipboard().setText(self.details)
        self.hint.setText("The details are on the clipboard.")

    def happened_again(self, error: BaseException) -> None:
        """Another error while this one is shown: count it rather than stack windows."""
        self.times += 1
        self.details += "\n\n" + client_free_details(error)
        self.text.setText(sentence(error, self.times))


class UnexpectedErrors:
    """The app's `sys.excepthook`: a window, client-free details on stderr and in the log.

    A hook installed before this one (a debugger, a test harness) is still
    told; Python's default hook is not, since it prints the message.
    """

    def __init__(self, parent: Callable[[], QWidget | None]) -> None:
        self._parent = parent
        self._previous: ExceptHook | None = None
        self.dialog: UnexpectedErrorDialog | None = None

    def install(self) -> None:
        """Become `sys.excepthook`."""
        if self._previous is None:
            self._previous = sys.excepthook
            sys.excepthook = self

    def uninstall(self) -> None:
        """Give `sys.excepthook` back (only if it is still this one)."""
        if self._previous is not None and sys.excepthook is self:
            sys.excepthook = self._previous
        self._previous = None

    def __call__(
        self, kind: type[BaseException], error: BaseException, trace: TracebackType | None
    ) -> None:
        """Report one uncaught exception."""
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            sys.__excepthook__(kind, error, trace)
            return
        if error.__traceback__ is None and trace is not None:
            error = error.with_traceback(trace)
        print(f"Crucible: unexpected problem\n{client_free_details(error)}", file=sys.stderr)
        # The log's filter keeps the type and the frames, never the message.
        log.error("unexpected problem reached the event loop", exc_info=(kind, error, trace))
        previous = self._previous
        if previous is not None and previous is not sys.__excepthook__:
            previous(kind, error, trace)
        self.show(error)

    def show(self, error: BaseException) -> UnexpectedErrorDialog:
        """Open the window, or count the error in the one already open."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.happened_again(error)
            return self.dialog
        dialog = UnexpectedErrorDialog(self._parent(), error)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: UnexpectedErrorDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

"""Printing the recovery code on one page, through the platform's print dialog."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QWidget

from crucible.app.ui.access.first_run_view import RECOVERY_EXPLANATION


def recovery_page_html(code: str) -> str:
    """The printed page: a title, the explanation, the code in large groups."""
    groups = "&nbsp;&nbsp;".join(escape(g) for g in code.split("-"))
    return (
        "<h1>Crucible emergency kit</h1>"
        f"<p>{escape(RECOVERY_EXPLANATION)}</p>"
        f"<p style='font-family: monospace; font-size: 20pt; font-weight: bold'>{groups}</p>"
    )


def print_recovery_code(parent: QWidget, code: str) -> None:
    """Show the print dialog; print the page if the clinician confirms."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Crucible — Print recovery code")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        document = QTextDocument()
        document.setHtml(recovery_page_html(code))
        document.print_(printer)

    dialog.accepted.connect(accepted)
    dialog.show()

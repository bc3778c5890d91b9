"""Help › About: the release, the vault folder, and the licences of all that ships.

It holds no client data, so it opens locked or unlocked, and it is
non-modal (`open()`, deleted on close) like the app's other small dialogs.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crucible.app.services.about import AboutFacts


def licences_html(facts: AboutFacts) -> str:
    """The licences as simple HTML: Crucible's, the libraries' with Qt's notice, the fonts'."""
    rows = "".join(
        f"<tr><td>{escape(lib.name)}</td><td>{escape(lib.version)}</td>"
        f"<td>{escape(lib.licence)}</td></tr>"
        for lib in facts.libraries
    )
    fonts = "".join(
        f"<h4>{escape(name)}</h4><pre>{escape(text)}</pre>" for name, text in facts.fonts
    )
    return (
        f"<h3>Crucible</h3><p>Licence: {escape(facts.crucible_licence)}</p>"
        f"<h3>Qt</h3><p>{escape(facts.qt_notice)}</p>"
        "<h3>Libraries</h3>"
        f"<table cellspacing='0' cellpadding='3'><tr><th align='left'>library</th>"
        f"<th align='left'>version</th><th align='left'>licence</th></tr>{rows}</table>"
        f"<h3>Fonts in the PDF reports</h3>{fonts}"
    )


class AboutDialog(QDialog):
    """Version and vault folder at the top, the licences below in a scrolling pane."""

    def __init__(self, facts: AboutFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Crucible — About")
        self.setAccessibleName("About Crucible")
        self.resize(640, 560)
        icon = QLabel()
        icon.setPixmap(self.windowIcon().pixmap(64, 64))
        icon.setAccessibleName("Crucible's icon")
        self.version = QLabel(f"<b>Crucible {escape(facts.version)}</b>")
        self.version.setAccessibleName("Version")
        self.vault = QLabel(f"Vault folder: {escape(str(facts.vault_folder))}")
        self.vault.setAccessibleName("Vault folder")
        self.vault.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.vault.setWordWrap(True)
        heading = QVBoxLayout()
        heading.addWidget(self.version)
        heading.addWidget(self.vault)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(heading, 1)
        self.licences = QTextBrowser()
        self.licences.setAccessibleName("Licences")
        self.licences.setHtml(licences_html(facts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)  # Enter closes
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)


def show_about(facts: AboutFacts, parent: QWidget) -> AboutDialog:
    """Open the About box over `parent`; returns it (already open)."""
    dialog = AboutDialog(facts, parent)
    dialog.open()
    return dialog

"""The menus, connected straight to the typed bound methods that do the work.

Two kinds of route: the session's own (lock, quit, settings, profile, the
data-safety windows) live as long as the window; the casebook's (new
couple, import, export, find, find in casebook, show archived) exist only while the vault is
open, so they are connected to the parts `compose` built and disconnected
at lock. While locked the window disables those actions anyway
(`ShellWindow.set_unlocked`); without a connection nothing could reach a
torn-down controller even if one fired.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMetaObject, QObject

from crucible.app.ui.shell.shell_window import ShellWindow

if TYPE_CHECKING:
    from crucible.app.ui.shell.composition import Composition


class UnlockedRoutes:
    """The casebook's menu connections for one unlocked stretch; `disconnect()` at lock."""

    def __init__(self, window: ShellWindow, parts: Composition) -> None:
        w, casebook = window, parts.casebook
        self._connections: list[QMetaObject.Connection] = [
            w.new_couple.triggered.connect(parts.edits.new_couple),
            w.new_intensive.triggered.connect(parts.edits.new_intensive),
            w.import_json.triggered.connect(parts.files.ask_import),
            w.export_json.triggered.connect(parts.files.ask_export_json),
            w.export_report.triggered.connect(parts.files.ask_report),
            w.export_research.triggered.connect(parts.files.ask_research_export),
            w.profile.triggered.connect(parts.profile.open),
            w.find_action.triggered.connect(casebook.focus_filter),
            w.find_in_casebook.triggered.connect(parts.search.open),
            w.hours.triggered.connect(parts.hours.open),
            w.send_review.triggered.connect(parts.reviews.ask_send),
            w.open_package.triggered.connect(parts.reviews.ask_open_package),
            w.returned_review.triggered.connect(parts.reviews.show_returned),
            w.export_card.triggered.connect(parts.cards.ask_export),
            w.import_card.triggered.connect(parts.cards.ask_import),
            w.cards.triggered.connect(parts.cards.open_list),
            w.show_archived.toggled.connect(casebook.set_show_archived),
            casebook.show_archived_toggled.connect(w.show_archived.setChecked),
        ]

    def disconnect(self) -> None:
        """Cut every route to the parts being torn down."""
        for connection in self._connections:
            QObject.disconnect(connection)
        self._connections.clear()

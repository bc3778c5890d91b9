"""The one top-level window: a stack of screens (setup, unlock/lock, workspace) and the menus.

Keeping one window means the lock screen covers everything by construction:
locking swaps the stack to the lock screen and closes every other window.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QWidget

APP_TITLE = "Crucible"


def _action(
    window: QWidget, text: str, shortcut: str | QKeySequence.StandardKey | None, tip: str
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.setToolTip(tip)
    return action


class ShellWindow(QMainWindow):
    """Menus, a status line, and a stack of screens."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_TITLE)
        self.setAccessibleName(APP_TITLE)
        self.resize(1180, 760)
        self.stack = QStackedWidget()
        self.stack.setAccessibleName("Screens")
        self.setCentralWidget(self.stack)
        self.status = QLabel()
        self.status.setAccessibleName("Status")
        self.statusBar().addPermanentWidget(self.status)
        self.statusBar().setAccessibleName("Status bar")
        self.menuBar().setAccessibleName("Menu bar")
        self._build_menus()
        self._build_tools_menu()
        self._build_help_menu()
        self.set_unlocked(False)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_couple = _action(self, "New &couple…", "Ctrl+Shift+N", "Add a couple")
        self.new_intensive = _action(
            self,
            "&New intensive…",
            QKeySequence.StandardKey.New,
            "Start an intensive from a template",
        )
        self.import_json = _action(self, "&Import intensive…", "Ctrl+I", "Import a JSON document")
        self.export_json = _action(self, "&Export intensive…", "Ctrl+E", "Export as JSON")
        self.export_report = _action(self, "Export &report…", "Ctrl+R", "Export a PDF report")
        self.export_research = _action(self, "E&xport for research…", None, "CSV tables or BORIS")
        self.send_review = _action(
            self, "Send for re&view…", None, "Seal the selected intensive for your supervisor"
        )
        self.open_package = _action(
            self, "&Open review package…", None, "A trainee's review or your supervisor's return"
        )
        self.returned_review = _action(
            self, "Re&turned review…", None, "What your supervisor sent back for this intensive"
        )
        self.settings = _action(self, "&Settings…", "Ctrl+,", "Change the app's settings")
        self.profile = _action(
            self, "&Profile…", None, "Your name, credentials and role, as reports show them"
        )
        self.change_passphrase = _action(
            self, "Change p&assphrase…", None, "Lock the vault's key under a new passphrase"
        )
        self.lock = _action(self, "&Lock", "Ctrl+L", "Lock the vault now")
        self.quit = _action(self, "&Quit", QKeySequence.StandardKey.Quit, "Lock and quit")
        for action in (self.lock, self.quit):  # from any window of the app, not only this one
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        for action in (self.new_couple, self.new_intensive):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (
            self.import_json,
            self.export_json,
            self.export_report,
            self.export_research,
            self.send_review,
            self.open_package,
            self.returned_review,
        ):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.profile)
        file_menu.addAction(self.change_passphrase)
        file_menu.addAction(self.settings)
        file_menu.addSeparator()
        file_menu.addAction(self.lock)
        file_menu.addAction(self.quit)
        # No mnemonic: every letter of "Edit" is taken by a control that is on
        # screen with the menu bar (Alt+E opens a block's note, Alt+D deletes,
        # Alt+I and Alt+T are fields); Ctrl+K is the way in.
        edit_menu = self.menuBar().addMenu("Edit")
        self.find_in_casebook = _action(
            self,
            "Find in &casebook…",
            "Ctrl+K",
            "Search every note, quote and reflection in the vault",
        )
        edit_menu.addAction(self.find_in_casebook)
        view_menu = self.menuBar().addMenu("&View")
        self.find_action = _action(
            self, "&Find…", QKeySequence.StandardKey.Find, "Filter the navigator"
        )
        self.show_archived = _action(self, "Show &archived intensives", "Ctrl+Shift+A", "")
        self.show_archived.setCheckable(True)
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.show_archived)
        self.vault_actions: tuple[QAction, ...] = (
            self.new_couple,
            self.new_intensive,
            self.import_json,
            self.export_json,
            self.export_report,
            self.export_research,
            self.send_review,
            self.open_package,
            self.returned_review,
            self.settings,
            self.profile,
            self.change_passphrase,
            self.lock,
            self.find_in_casebook,
            self.find_action,
            self.show_archived,
        )

    def _build_tools_menu(self) -> None:
        """Tools: the data-safety windows, usable only while the vault is open."""
        tools_menu = self.menuBar().addMenu("&Tools")
        self.backups = _action(
            self, "&Backups…", "Ctrl+Shift+B", "List, make and restore backups of the vault"
        )
        self.audit_trail = _action(
            self, "Audit &trail…", "Ctrl+Shift+T", "See and verify the audit trail"
        )
        self.hours = _action(
            self, "&Hours…", "Ctrl+Shift+H", "Contact and supervision hours toward your target"
        )
        tools_menu.addAction(self.backups)
        tools_menu.addAction(self.audit_trail)
        tools_menu.addAction(self.hours)
        tools_menu.addSeparator()
        self.export_card = _action(self, "&Export my card…", None, "Your card, for the review loop")
        self.import_card = _action(
            self, "&Import a card…", None, "Someone's card, after the phone check"
        )
        self.cards = _action(self, "&Cards…", None, "The cards in this vault")
        for action in (self.export_card, self.import_card, self.cards):
            tools_menu.addAction(action)
        self.vault_actions = (
            *self.vault_actions,
            self.backups,
            self.audit_trail,
            self.hours,
            self.export_card,
            self.import_card,
            self.cards,
        )

    def _build_help_menu(self) -> None:
        """Help: diagnostics for a bug report, usable locked or not (they hold no client text)."""
        help_menu = self.menuBar().addMenu("&Help")
        self.copy_diagnostics = _action(
            self,
            "Copy &diagnostics",
            None,
            "Copy versions and the recent log (no client text) for a bug report",
        )
        help_menu.addAction(self.copy_diagnostics)
        self.about = _action(self, "&About Crucible", None, "Version, vault folder and licences")
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about)

    def set_unlocked(self, unlocked: bool) -> None:
        """Enable the vault's actions only while it is open."""
        for action in self.vault_actions:
            action.setEnabled(unlocked)

    def show_screen(self, screen: QWidget, title: str = "") -> None:
        """Bring a screen to the front; the title always starts with "Crucible"."""
        if self.stack.indexOf(screen) < 0:
            self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        self.setWindowTitle(f"{APP_TITLE} — {title}" if title else APP_TITLE)

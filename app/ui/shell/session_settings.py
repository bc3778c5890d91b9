"""File › Settings… for the desktop session: the dialog, then apply, store and audit.

Moved out of session.py as it was (the settings schema is being replaced
separately); the session keeps the current `Settings` here and asks this
object for them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QWidget

from crucible.app.services.settings import Settings
from crucible.app.ui.shell import theme
from crucible.app.ui.shell.idle import IdleWatcher

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.shell.settings_dialog import SettingsDialog


class SessionSettings:
    """The settings in force, the Settings dialog, and applying a change now."""

    def __init__(
        self,
        settings: Settings,
        *,
        window: QWidget,
        app: QApplication,
        folder: Path,
        idle: IdleWatcher,
        vault: Callable[[], Vault | None],
        actor: Callable[[], str],
        error_colour: Callable[[], str],
    ) -> None:
        self.settings = settings
        self.window = window
        self.app = app
        self.folder = folder
        self.idle = idle
        self._vault = vault
        self._actor = actor
        self.error_colour = error_colour

    def current(self) -> Settings:
        """The settings in force now."""
        return self.settings

    def open_settings(self) -> SettingsDialog | None:
        """Open the Settings dialog; saving applies, stores and audits the change."""
        vault = self._vault()
        if vault is None:
            return None
        from crucible.app.services.settings_file import apply_settings
        from crucible.app.ui.shell.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.window, self.settings, self.error_colour)

        def submit() -> str | None:
            new = dialog.chosen()
            try:
                apply_settings(
                    self.folder,
                    self.settings,
                    new,
                    vault=vault,
                    actor=self._actor(),
                )
            except Exception as error:
                from crucible.app.ui.shell.vault_gateway import error_sentence

                return error_sentence(error)
            self.apply(new)
            return None

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def apply(self, settings: Settings) -> None:
        """Use new settings now: theme and idle time."""
        if settings.theme != self.settings.theme:
            theme.apply_theme(self.app, settings.theme)
        self.idle.set_minutes(settings.idle_minutes)
        self.settings = settings

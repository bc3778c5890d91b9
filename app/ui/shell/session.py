"""The desktop session's state machine: setup → locked → unlocked → locked.

This module decides *when*: the first-run screen or the unlock screen at
start, the workspace after an unlock, the lock screen at a lock, the quit.
*What* exists while unlocked is built in one place, `compose`
(composition.py); the menus are connected in menu_routes.py; File ›
Settings… is session_settings.py; the profile is profile_controller.py.

Locking means (docs/reliability.md, test 9): one lock screen covering the app;
no client text left in any widget, model or window title (dialogs and other
windows are scrubbed and closed, the workspace is torn down); the engine is
disposed and the data key wiped (`vault.lock()`), so no file handle on the
vault stays open. Unlocking rebuilds the workspace and returns to the
remembered `Place`.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMenu

from crucible.app.services.settings import Settings
from crucible.app.ui.access.unlock import UnlockController
from crucible.app.ui.access.unlock_view import UnlockView
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.kit.focus_return import FocusReturn
from crucible.app.ui.shell import theme
from crucible.app.ui.shell.first_window_warmup import FirstWindowWarmup
from crucible.app.ui.shell.idle import IdleWatcher
from crucible.app.ui.shell.menu_routes import UnlockedRoutes
from crucible.app.ui.shell.scrub import scrub
from crucible.app.ui.shell.session_settings import SessionSettings
from crucible.app.ui.shell.shell_window import ShellWindow
from crucible.app.ui.shell.vault_gateway import VaultGateway

if TYPE_CHECKING:  # the casebook, the services and pyqtgraph load after an unlock
    from crucible.app.services.profile import ClinicianProfile
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.access.first_run import FirstRunController
    from crucible.app.ui.block import BlockController
    from crucible.app.ui.casebook.casebook_controller import CasebookController, Place
    from crucible.app.ui.casebook.casebook_edits import CasebookEdits
    from crucible.app.ui.casebook.file_actions import FileActions
    from crucible.app.ui.safety.data_safety import DataSafety
    from crucible.app.ui.shell.composition import Composition
    from crucible.app.ui.shell.passphrase_controller import PassphraseController
    from crucible.app.ui.shell.passphrase_dialog import PassphraseDialog
    from crucible.app.ui.shell.process_policy import MemoryPolicy
    from crucible.app.ui.shell.profile_dialog import ProfileDialog
    from crucible.app.ui.shell.settings_dialog import SettingsDialog


class Stage(enum.Enum):
    """Where the session is: no vault yet, a closed vault, an open one."""

    SETUP = "setup"
    LOCKED = "locked"
    UNLOCKED = "unlocked"


class DesktopSession(QObject):
    """Moves the shell window between setup, unlock, workspace and lock screen."""

    opened = Signal()
    locked = Signal()

    def __init__(
        self,
        window: ShellWindow,
        gateway: VaultGateway,
        settings: Settings,
        *,
        background: BackgroundWork | None = None,
        memory: MemoryPolicy | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
        idle_check_ms: int = 5000,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.gateway = gateway
        self.background = background or BackgroundWork(self)
        self.memory = memory  # the root's MemoryPolicy (None in tests that build a session)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.app = app
        self.idle = IdleWatcher(
            app,
            settings.idle_minutes,
            clock=idle_clock,
            check_interval_ms=idle_check_ms,
            parent=self,
        )
        self.idle.idle.connect(self.lock)
        self.idle.on_input = self._input_arrived
        if memory is not None:  # the collector's refreeze waits for a pause in input
            memory.since_input = self.idle.seconds_since_input
        self.focus_return = FocusReturn(app, window, self)
        self.preferences = SessionSettings(
            settings,
            window=window,
            app=app,
            folder=gateway.folder,
            idle=self.idle,
            vault=lambda: self.vault,
            actor=self._actor,
            error_colour=self.error_colour,
        )
        self.stage = Stage.LOCKED
        self.parts: Composition | None = None
        self._passphrase: PassphraseController | None = None  # made at its first use
        self._routes: UnlockedRoutes | None = None
        self.place: Place | None = None
        self.setup: FirstRunController | None = None
        self.unlock_view = UnlockView()
        self.unlock = UnlockController(
            self.unlock_view, gateway, self.background, self.error_colour
        )
        self.unlock.unlocked.connect(self.open_vault)
        self.warmup = FirstWindowWarmup(
            code_loaded=gateway.early_imports_done, busy=lambda: self.background.busy, parent=self
        )
        self._connect_menus()
        self._init_data_safety()

    def error_colour(self) -> str:
        """The error text colour for the current light or dark palette."""
        return theme.error_colour(self.app)

    def _connect_menus(self) -> None:
        """The routes that live as long as the window; the casebook's are made at each unlock."""
        w = self.window
        w.lock.triggered.connect(self.lock)
        w.quit.triggered.connect(self.quit)
        w.settings.triggered.connect(self.open_settings)
        w.change_passphrase.triggered.connect(self.change_passphrase)

    # ------------------------------------------------------------------ what is open

    @property
    def vault(self) -> Vault | None:
        """The open vault, or None while locked."""
        return self.parts.vault if self.parts is not None else None

    def _input_arrived(self) -> None:
        """Background work on the open vault steps aside while the input is answered (0032)."""
        if self.parts is not None:
            self.parts.vault.foreground.touch()

    @property
    def settings(self) -> Settings:
        """The settings in force."""
        return self.preferences.settings

    @property
    def profile(self) -> ClinicianProfile | None:
        """The open vault's clinician profile (None while locked or before one is stored)."""
        return self.parts.profile.profile if self.parts is not None else None

    @property
    def workspace(self) -> CasebookController | None:
        """The navigator and details of the open vault."""
        return self.parts.casebook if self.parts is not None else None

    @property
    def casebook_actions(self) -> CasebookEdits | None:
        """The casebook edits of the open vault."""
        return self.parts.edits if self.parts is not None else None

    @property
    def file_actions(self) -> FileActions | None:
        """Import, export and reports for the open vault."""
        return self.parts.files if self.parts is not None else None

    @property
    def block_workspace(self) -> BlockController | None:
        """The block workspace, once a block has been opened in this unlocked stretch."""
        return self.parts.blocks.workspace if self.parts is not None else None

    # ------------------------------------------------------------------ start

    def start(self) -> None:
        """Show the setup screen on first run, else the unlock screen."""
        if self.gateway.present():
            self.unlock.reset(locked=False)
            self.window.show_screen(self.unlock_view, "Unlock")
            # Once the window is up, not before (bench/startup.py): imports while they type.
            QTimer.singleShot(0, self, self.gateway.load_code_early)
            self.warmup.start()  # and the UI thread readies the casebook's window, in steps
            return
        from crucible.app.ui.access.first_run import FirstRunController
        from crucible.app.ui.access.first_run_view import FirstRunView

        self.stage = Stage.SETUP
        view = FirstRunView()
        self.setup = FirstRunController(view, self.gateway, self.background, self.error_colour)
        self.setup.completed.connect(self._setup_done)
        self.window.show_screen(view, "Set up")

    def _setup_done(self, vault: Vault) -> None:
        assert self.setup is not None
        view = self.setup.view
        self.setup = None
        self.open_vault(vault)
        self.window.stack.removeWidget(view)
        scrub(view)
        view.deleteLater()

    # ------------------------------------------------------------------ open

    def open_vault(self, vault: Vault) -> None:
        """Build the workspace over an unlocked vault and go back to the remembered place."""
        from crucible.app.ui.shell.composition import compose

        self.warmup.stop()
        parts = compose(
            vault,
            window=self.window,
            background=self.background,
            settings=self.preferences.current,
            error_colour=self.error_colour,
            place=self.place,
            memory=self.memory,
        )
        self.parts = parts
        self.stage = Stage.UNLOCKED
        self._routes = UnlockedRoutes(self.window, parts)
        self.window.show_screen(parts.screen, "Casebook")
        self.window.set_unlocked(True)
        self.idle.start()
        self.opened.emit()
        self._ensure_keys(vault)
        if parts.profile.incomplete():  # a vault from `crucible init` without a profile: ask now
            parts.profile.open(first_time=True)

    def _ensure_keys(self, vault: Vault) -> None:
        """The vault's key pair for the supervision loop, made at the first unlock that lacks it."""
        from crucible.app.services.identity import ensure_keys
        from crucible.app.ui.shell.vault_gateway import error_sentence

        actor = self._actor()
        # Unlock's own bookkeeping, like its audit event: discounted by the change watch, so a
        # session in which the clinician only looked still makes no backup at quit.
        self.data_safety.run_write(
            lambda: ensure_keys(vault, actor=actor),
            lambda _none: None,
            lambda error: self.window.statusBar().showMessage(error_sentence(error)),
        )

    # ------------------------------------------------------------------ lock

    def lock(self) -> None:
        """Lock now: lock screen, nothing readable left, engine disposed, key wiped."""
        parts = self.parts
        if parts is None:
            return
        self.idle.stop()
        if self._routes is not None:
            self._routes.disconnect()
            self._routes = None
        parts.blocks.close()  # a draft typed just now is kept
        self.background.discard_pending()
        self.background.wait()
        self._close_other_windows()
        self.place = parts.teardown()
        self.window.stack.removeWidget(parts.screen)
        parts.screen.deleteLater()
        self.parts = None
        self.stage = Stage.LOCKED
        self.data_safety.before_lock(parts.vault)
        parts.vault.lock()
        self.window.set_unlocked(False)
        self.unlock.reset(locked=True)
        self.window.show_screen(self.unlock_view, "Locked")
        self.window.statusBar().clearMessage()
        self.locked.emit()
        # Delete the torn-down widgets now rather than at the next loop turn.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def _close_other_windows(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget is self.window:
                continue
            if isinstance(widget, QMenu):
                widget.hide()
            elif isinstance(widget, QDialog):
                scrub(widget)
                widget.setWindowTitle("Crucible")
                widget.reject()
                widget.deleteLater()
            elif isinstance(widget, QLabel):  # tooltips
                widget.clear()
                widget.hide()
            elif widget.isVisible() and widget.parent() is None:
                scrub(widget)
                widget.close()

    def quit(self) -> None:
        """Back up if this run changed the vault, then lock and leave the event loop."""
        self.idle.stop()
        self.data_safety.backup_before_quit(self._lock_and_quit)

    def _lock_and_quit(self) -> None:
        self.lock()
        self.app.quit()

    def shutdown(self) -> None:
        """At exit: back up if needed, lock, and let no background job outlive the vault."""
        self.data_safety.backup_at_exit()
        self.lock()
        self.background.discard_pending()
        self.background.wait()
        self.clipboard_guard.clear_at_lock()

    def bring_forward(self) -> None:
        """A second start asked for this window."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    # ------------------------------------------------------------------ settings, profile

    def open_settings(self) -> SettingsDialog | None:
        """Open the Settings dialog (session_settings.py)."""
        return self.preferences.open_settings()

    def apply(self, settings: Settings) -> None:
        """Use new settings now: theme and idle time."""
        self.preferences.apply(settings)

    def change_passphrase(self) -> PassphraseDialog | None:
        """File › Change passphrase… of the open vault (passphrase_controller.py)."""
        if self.parts is None:
            return None
        if self._passphrase is None:
            from crucible.app.ui.shell.passphrase_controller import PassphraseController

            self._passphrase = PassphraseController(
                self.gateway, self.background, self.window, self.error_colour
            )
            self._passphrase.changed.connect(self._say_changed)
        return self._passphrase.open()

    def _say_changed(self, sentence: str) -> None:
        self.window.statusBar().showMessage(sentence, 20_000)

    def open_profile(self, *, first_time: bool = False) -> ProfileDialog | None:
        """Show the profile form of the open vault (profile_controller.py)."""
        return self.parts.profile.open(first_time=first_time) if self.parts is not None else None

    def _actor(self) -> str:
        """Who the audit trail names: the clinician, or "crucible" before the profile exists."""
        if self.parts is not None:
            return self.parts.profile.actor()
        from crucible.app.services.profile import actor_of

        return actor_of(None)

    # ------------------------------------------------------------------ data safety

    def _init_data_safety(self) -> None:
        """Backups, integrity checks, the audit window, failed unlocks, the clipboard guard."""
        from crucible.app.ui.safety.data_safety import DataSafety
        from crucible.app.ui.safety.safety_context import SafetyContext
        from crucible.app.ui.shell.clipboard_guard import ClipboardGuard

        self.clipboard_guard = ClipboardGuard(self.app.clipboard(), parent=self)
        self.locked.connect(self.clipboard_guard.clear_at_lock)
        context = SafetyContext(
            window=self.window,
            background=self.background,
            folder=self.gateway.folder,
            clock=self.gateway.now,
            lock=self.lock,
            actor=self._actor,
            error_colour=self.error_colour,
        )
        self.data_safety: DataSafety = DataSafety(
            context,
            current_vault=lambda: self.vault,
            on_restored=self._show_unlock_after_restore,
        )
        self.opened.connect(self.data_safety.vault_opened)
        self.unlock.damaged.connect(self.data_safety.damaged_at_unlock)
        self.window.backups.triggered.connect(self.data_safety.open_backups)
        self.window.audit_trail.triggered.connect(self.data_safety.open_audit)

    def _show_unlock_after_restore(self) -> None:
        """After a restore the vault is locked: a fresh unlock screen, old messages gone."""
        self.place = None
        self.unlock.reset(locked=False)
        self.window.show_screen(self.unlock_view, "Unlock")

"""The desktop session: first run or unlock, the workspace, and the lock.

Locking means (docs/reliability.md, test 9): one lock screen covering the app;
no client text left in any widget, model or window title (dialogs and other
windows are scrubbed and closed, the workspace is torn down); the engine is
disposed and the data key wiped (`vault.lock()`), so no file handle on the
vault stays open. Unlocking rebuilds the workspace and returns to the
remembered `Place`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMenu, QWidget

from app.services.settings import Settings
from app.ui.access.unlock import UnlockController
from app.ui.access.unlock_view import UnlockView
from app.ui.kit.background import BackgroundWork
from app.ui.kit.focus_return import FocusReturn
from app.ui.shell import theme
from app.ui.shell.idle import IdleWatcher
from app.ui.shell.scrub import scrub
from app.ui.shell.shell_window import ShellWindow
from app.ui.shell.vault_gateway import VaultGateway

if TYPE_CHECKING:  # pyqtgraph and the analytics load with the first block
    from app.ui.block import BlockController


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
        memory: Any = None,
        idle_clock: Callable[[], float] = time.monotonic,
        idle_check_ms: int = 5000,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.gateway = gateway
        self.settings = settings
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
        self.focus_return = FocusReturn(app, window, self)
        self.vault: Any = None
        self.profile: Any = None
        self.workspace: Any = None
        self.casebook_actions: Any = None
        self.file_actions: Any = None
        self.block_workspace: BlockController | None = None  # one per unlocked session
        self.place: Any = None
        self.setup: Any = None
        self.unlock_view = UnlockView()
        self.unlock = UnlockController(
            self.unlock_view, gateway, self.background, self.error_colour
        )
        self.unlock.unlocked.connect(self.open_vault)
        self._connect_menus()
        self._init_data_safety()

    def error_colour(self) -> str:
        """The error text colour for the current light or dark palette."""
        return theme.error_colour(self.app)

    def _connect_menus(self) -> None:
        w = self.window
        w.lock.triggered.connect(self.lock)
        w.quit.triggered.connect(self.quit)
        w.settings.triggered.connect(self.open_settings)
        w.profile.triggered.connect(lambda: self.open_profile())
        w.new_couple.triggered.connect(lambda: self._delegate("casebook_actions", "new_couple"))
        w.new_intensive.triggered.connect(
            lambda: self._delegate("casebook_actions", "new_intensive")
        )
        w.import_json.triggered.connect(lambda: self._delegate("file_actions", "ask_import"))
        w.export_json.triggered.connect(lambda: self._delegate("file_actions", "ask_export_json"))
        w.export_report.triggered.connect(lambda: self._delegate("file_actions", "ask_report"))
        w.find_action.triggered.connect(self._focus_filter)
        w.show_archived.toggled.connect(self._show_archived)

    def _delegate(self, owner: str, method: str) -> None:
        target = getattr(self, owner)
        if target is not None:
            getattr(target, method)()

    def _focus_filter(self) -> None:
        if self.workspace is not None:
            self.workspace.view.filter.setFocus()
            self.workspace.view.filter.selectAll()

    def _show_archived(self, on: bool) -> None:
        if self.workspace is not None:
            self.workspace.view.show_archived.setChecked(on)

    # ------------------------------------------------------------------ start

    def start(self) -> None:
        """Show the setup screen on first run, else the unlock screen."""
        if self.gateway.present():
            self.unlock.reset(locked=False)
            self.window.show_screen(self.unlock_view, "Unlock")
            return
        from app.ui.access.first_run import FirstRunController
        from app.ui.access.first_run_view import FirstRunView

        view = FirstRunView()
        self.setup = FirstRunController(view, self.gateway, self.background, self.error_colour)
        self.setup.completed.connect(self._setup_done)
        self.window.show_screen(view, "Set up")

    def _setup_done(self, vault: Any) -> None:
        view = self.setup.view
        self.setup = None
        self.open_vault(vault)
        self.window.stack.removeWidget(view)
        scrub(view)
        view.deleteLater()

    # ------------------------------------------------------------------ open

    def open_vault(self, vault: Any) -> None:
        """Build the workspace over an unlocked vault and go back to the remembered place."""
        from app.services.profile import get_profile, needs_completion
        from app.ui.casebook.casebook_controller import CasebookController
        from app.ui.casebook.casebook_edits import CasebookEdits
        from app.ui.casebook.casebook_view import CasebookView
        from app.ui.casebook.file_actions import FileActions

        self.vault = vault
        self.profile = get_profile(vault)
        incomplete = needs_completion(self.profile)
        view = CasebookView()
        view.details.set_block_workspace(self._open_block)
        self.workspace = CasebookController(
            view,
            vault,
            profile=None if incomplete else self.profile,
            error_colour=self.error_colour,
        )
        self.casebook_actions = CasebookEdits(self.workspace, self.window)
        self.file_actions = FileActions(
            self.workspace, self.window, self.background, lambda: self.settings
        )
        view.show_archived.toggled.connect(self.window.show_archived.setChecked)
        if self.place is not None:
            self.workspace.restore(self.place)
        self.window.show_screen(view, "Casebook")
        self.window.set_unlocked(True, reports=False)
        self.idle.start()
        self._check_reports()
        self.opened.emit()
        if incomplete:  # a vault from `crucible init` without a profile: ask now
            self.open_profile(first_time=True)

    def _check_reports(self) -> None:
        def work() -> bool:
            from app.services.report_export import reports_available

            return reports_available()

        def done(available: bool) -> None:
            if self.vault is not None:
                self.window.set_unlocked(True, reports=available)

        self.background.run(work, done, lambda _error: None)

    def _open_block(self, intensive_id: int | None, block_id: int | None) -> QWidget | None:
        """Show a block in the session's one live workspace, built on first use.

        One workspace lives as long as the unlocked session, so its undo
        history, live mode and loaded timeline survive block switches; the
        note draft is saved whenever the selection moves. pyqtgraph and the
        analytics load here, on the first block opened, never at start-up.
        """
        if self.vault is None:
            return None
        if block_id is None:
            if self.block_workspace is not None:
                self.block_workspace.save_pending()
            return self.block_workspace
        if self.block_workspace is None:
            from app.services.profile import signer_of
            from app.ui.block import BlockController, BlockServices
            from app.ui.block.keymap import key_map_for

            services = BlockServices(self.vault, signer=signer_of(self.profile))
            self.block_workspace = BlockController(
                services,
                flip_window_s=self.settings.flip_window_s,
                key_map=key_map_for(self.settings.key_layout),
                background=self.background,
            )
            if self.memory is not None:
                self.block_workspace.block_opened.connect(self.memory.block_opened)
            self.block_workspace.live_mode_changed.connect(self._live_mode_changed)
            self.block_workspace.status_changed.connect(self._block_status_changed)
        if intensive_id is not None:
            self.block_workspace.show_block(intensive_id, block_id)
        return self.block_workspace

    def _block_status_changed(self, status: Any) -> None:
        if self.workspace is not None:
            self.workspace.show_block_status(status)

    def _live_mode_changed(self, live: bool) -> None:
        """In live mode the navigator and the block form step aside: the workspace gets the room.

        Leaving live mode, the pad column's new (scrolling) minimum is laid out
        before the panes come back: otherwise the layout briefly adds the
        column's live height to the form's and the navigator's, and Qt grows
        the window past a laptop screen, where nothing shrinks it again.
        """
        if self.workspace is not None:
            if not live:
                QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            self.workspace.view.splitter.widget(0).setVisible(not live)
            self.workspace.view.details.set_live(live)

    # ------------------------------------------------------------------ lock

    def lock(self) -> None:
        """Lock now: lock screen, nothing readable left, engine disposed, key wiped."""
        if self.vault is None:
            return
        self.idle.stop()
        if self.block_workspace is not None:
            self.block_workspace.save_pending()  # a draft typed just now is kept
            self.block_workspace.clear()
            self.block_workspace = None  # torn down with the view below
            if self.memory is not None:
                self.memory.release()
        self.place = self.workspace.place()
        self.background.discard_pending()
        self.background.wait()
        self._close_other_windows()
        view = self.workspace.view
        self.workspace.teardown()
        self.window.stack.removeWidget(view)
        view.deleteLater()
        self.workspace = self.casebook_actions = self.file_actions = None
        vault, self.vault, self.profile = self.vault, None, None
        self.data_safety.before_lock(vault)
        vault.lock()
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

    # ------------------------------------------------------------------ settings

    def open_settings(self) -> Any:
        """Open the Settings dialog; saving applies, stores and audits the change."""
        if self.vault is None:
            return None
        from app.services.settings import apply_settings
        from app.ui.shell.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.window, self.settings, self.error_colour)

        def submit() -> str | None:
            new = dialog.chosen()
            try:
                apply_settings(
                    self.gateway.folder,
                    self.settings,
                    new,
                    vault=self.vault,
                    actor=self._actor(),
                )
            except Exception as error:
                from app.ui.shell.vault_gateway import error_sentence

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

    # ------------------------------------------------------------------ profile

    def _actor(self) -> str:
        """Who the audit trail names: the clinician, or "crucible" before the profile exists."""
        from app.services.profile import actor_of

        return actor_of(self.profile)

    def open_profile(self, *, first_time: bool = False) -> Any:
        """Show the profile form; saving it signs and audits in the new name from then on."""
        if self.vault is None:
            return None
        from app.ui.shell.profile_dialog import ProfileDialog

        dialog = ProfileDialog(self.window, self.profile, self.error_colour, first_time=first_time)

        def submit() -> str | None:
            from app.domain.vocabulary import Role
            from app.services.profile import ClinicianProfile, get_profile, save_profile
            from app.ui.shell.vault_gateway import error_sentence

            name, credentials, role, supervisor = dialog.chosen()
            try:
                save_profile(
                    self.vault, ClinicianProfile(name, credentials, Role(role), supervisor)
                )
                self._use_profile(get_profile(self.vault))
            except Exception as error:
                return error_sentence(error)
            return None

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def _use_profile(self, profile: Any) -> None:
        self.profile = profile
        if self.workspace is not None:
            self.workspace.set_profile(profile)
        if self.block_workspace is not None:
            self.block_workspace.services.signer = profile.signature

    # ------------------------------------------------------------------ data safety

    def _init_data_safety(self) -> None:
        """Backups, integrity checks, the audit window, failed unlocks, the clipboard guard."""
        from app.ui.safety.data_safety import DataSafety
        from app.ui.shell.clipboard_guard import ClipboardGuard

        self.clipboard_guard = ClipboardGuard(self.app.clipboard(), parent=self)
        self.locked.connect(self.clipboard_guard.clear_at_lock)
        self.data_safety = DataSafety(
            self.window,
            self.background,
            self.gateway.folder,
            self.gateway.now,
            current_vault=lambda: self.vault,
            lock=self.lock,
            actor=self._actor,
            on_restored=self._show_unlock_after_restore,
            error_colour=self.error_colour,
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

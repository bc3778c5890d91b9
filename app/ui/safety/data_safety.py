"""Data safety in the desktop session: automatic backups, integrity on open, and the windows.

What happens when:

- **After each unlock** (the workspace already showing), on the background
  helper, one job after the other: the quick integrity check; if it passes,
  the day's automatic backup (`ensure_daily_backup`: only the first unlock
  of a day makes one); then, once a day, the full check. A failing check
  leads to the restore offer (`integrity_watch.py`).
- **At quit**, an `on-quit` backup, only if this run of the app changed
  the vault (see `ChangeWatch`). Quit from the menu backs up in the
  background behind a progress dialog, then locks; closing the window
  (the app's `aboutToQuit`) backs up and waits, since the loop is ending.
- **Restore** (from the Backups window or the damaged-vault prompt) goes
  through `RestoreFlow`: confirm, lock, restore, unlock screen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QProgressDialog

from crucible.app.services.settings import Settings
from crucible.app.services.settings_file import LoadedSettings, open_settings, update_settings
from crucible.app.ui.kit.prompts import show_error
from crucible.app.ui.safety.restore_flow import RestoreChoice, RestoreFlow
from crucible.app.ui.safety.safety_context import SafetyContext
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:  # the services load after the first unlock
    from crucible.app.services.backups import BackupResult
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.safety.audit_controller import AuditController
    from crucible.app.ui.safety.backups_controller import BackupsController

T = TypeVar("T")

Signature = tuple[tuple[int, int] | None, ...]


def vault_signature(vault: Vault) -> Signature:
    """Size and modification time of `vault.db` and its write-ahead log.

    Every commit, audited or not (an observation, a note autosave), grows
    or rewrites the log, and a checkpoint rewrites the database; reads
    change neither. `stat` does not open the files, so SQLite's locks are
    safe (docs/reliability.md: never open the database file another way).
    """
    db = Path(vault.db_path)
    parts: list[tuple[int, int] | None] = []
    for path in (db, db.with_name(db.name + "-wal")):
        try:
            info = path.stat()
        except OSError:
            parts.append(None)
        else:
            parts.append((info.st_size, info.st_mtime_ns))
    return tuple(parts)


class ChangeWatch:
    """Whether this run of the app changed the vault, for the on-quit backup.

    The signature of the database files is taken right after each unlock's
    own bookkeeping (its audit event, the pending events). Writes the app
    makes for data safety itself (the daily or a manual backup, each of
    which records an audit event) move that baseline along when nothing
    else had changed before they began, so a session in which the clinician
    only looked does not back up at quit. A lock keeps what was seen so
    far, as locking rewrites the files (the final checkpoint).

    The one blind spot: a clinician's write made during such a backup job
    is taken as the job's own. It is then in neither that backup nor, unless
    anything else changes before quitting, an on-quit one; the next day's
    backup has it.
    """

    def __init__(self) -> None:
        self._baseline: Signature | None = None
        self._earlier = False

    def start(self, vault: Vault) -> None:
        """Take the baseline (right after an unlock)."""
        self._baseline = vault_signature(vault)

    def own_write(self, before: Signature, after: Signature) -> None:
        """A data-safety job wrote; discount it if nothing had changed before it."""
        if self._baseline is not None and before == self._baseline:
            self._baseline = after

    def changed(self, vault: Vault) -> bool:
        """Whether anything was written since the app started (or the last reset)."""
        if self._earlier:
            return True
        return self._baseline is not None and vault_signature(vault) != self._baseline

    def pause(self, vault: Vault) -> None:
        """Before a lock: remember whether this stretch changed anything."""
        self._earlier = self.changed(vault)
        self._baseline = None

    def reset(self) -> None:
        """After a backup at quit or a restore: nothing unsaved any more."""
        self._earlier = False
        self._baseline = None


class DataSafety(QObject):
    """Automatic backups, integrity checks, the Backups and Audit windows, restore.

    Args:
        context: The session's window, helper, folder, clock (fixed in
            tests), lock, actor (for audited actions) and error colour.
        current_vault: The open vault, or None while locked.
        on_restored: Shows a fresh unlock screen after a restore.
    """

    def __init__(
        self,
        context: SafetyContext,
        *,
        current_vault: Callable[[], Vault | None],
        on_restored: Callable[[], None],
    ) -> None:
        from crucible.app.ui.safety.integrity_watch import IntegrityWatch

        super().__init__(context.window)
        self.window = context.window
        self.background = context.background
        self.folder = context.folder
        self.clock = context.clock
        self._vault = current_vault
        self._actor = context.actor
        self._on_restored = on_restored
        self._error_colour = context.error_colour
        self.state = self._load_state()
        self.changes = ChangeWatch()
        self.restore_flow = RestoreFlow(context, on_restored=self._restored)
        self.integrity = IntegrityWatch(
            context.window,
            context.background,
            context.folder,
            mirror=lambda: self.state.mirror_folder,
            restore=self.ask_restore,
            status=self.status,
        )
        self.backups_controller: BackupsController | None = None
        self.audit_controller: AuditController | None = None
        self.quit_progress: QProgressDialog | None = None

    def status(self, text: str) -> None:
        """A passing line in the status bar."""
        self.window.statusBar().showMessage(text, 10_000)

    # ------------------------------------------------------------------ unlock

    def vault_opened(self) -> None:
        """After an unlock: baseline for changes, then check, back up, full check."""
        vault = self._vault()
        assert vault is not None, "opened signalled without an open vault"
        self.state = self._load_state()
        self.changes.start(vault)
        self.integrity.quick_check(vault, then=lambda: self._daily_backup(vault))

    def damaged_at_unlock(self) -> None:
        """The unlock found the database damaged: offer the newest backup that verifies."""
        self.state = self._load_state()
        self.integrity.offer_restore("its database (vault.db) is damaged and does not open.")

    def run_write(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], None],
        on_failure: Callable[[BaseException], None],
    ) -> None:
        """Run one of data safety's own writes, discounted by the change watch."""
        vault = self._vault()
        assert vault is not None, "a data-safety write while locked"

        def job() -> tuple[Signature, Signature, T]:
            before = vault_signature(vault)
            result = work()
            return before, vault_signature(vault), result

        def done(outcome: tuple[Signature, Signature, T]) -> None:
            before, after, result = outcome
            self.changes.own_write(before, after)
            on_success(result)

        self.background.run(job, done, on_failure)

    def _daily_backup(self, vault: Vault) -> None:
        clock, mirror = self.clock, self.state.mirror_folder

        def work() -> BackupResult | None:
            from crucible.app.services.backups import ensure_daily_backup

            return ensure_daily_backup(vault, clock, mirror=mirror)

        def done(result: BackupResult | None) -> None:
            if result is not None:
                self.status(result.mirror_problem or "Made today's backup.")
            self._full_check_if_due(vault)

        def failed(error: BaseException) -> None:
            self.status(f"Today's backup was not made: {error_sentence(error)}")
            self._full_check_if_due(vault)

        self.run_write(work, done, failed)

    def _full_check_if_due(self, vault: Vault) -> None:
        today = self.clock().date()
        if self.state.last_full_check != today:
            self.integrity.full_check(vault, today, self._full_check_passed)

    def _full_check_passed(self, day: date) -> None:
        self.state = replace(self.state, last_full_check=day)
        folder = self.folder
        self.background.run(
            lambda: update_settings(folder, last_full_check=day), self._said, self._report
        )

    def _load_state(self) -> Settings:
        """The mirror folder and last full check (hidden settings); a bad file is said."""
        loaded = open_settings(self.folder)
        self._said(loaded)
        return loaded.settings

    def _said(self, loaded: LoadedSettings) -> None:
        if loaded.problem:
            self.status(loaded.problem)

    def _report(self, error: BaseException) -> None:
        self.status(error_sentence(error))

    # ------------------------------------------------------------------ lock and quit

    def before_lock(self, vault: Vault) -> None:
        """Called by the lock while the vault is still open."""
        self.changes.pause(vault)

    def backup_before_quit(self, then: Callable[[], None]) -> None:
        """Back up (if anything changed) behind a progress dialog, then call `then()`."""
        vault = self._vault()
        if vault is None or not self.changes.changed(vault):
            then()
            return
        progress = QProgressDialog("Backing up before closing…", "", 0, 0, self.window)
        progress.setWindowTitle("Crucible — Backing up")
        progress.setAccessibleName("Backing up before closing")
        progress.setCancelButton(None)
        progress.setMinimumDuration(300)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.quit_progress = progress

        def finished() -> None:
            if self.quit_progress is not None:
                self.quit_progress.close()
                self.quit_progress = None
            self.changes.reset()

        def done(_result: BackupResult | None) -> None:
            finished()
            then()

        def failed(error: BaseException) -> None:
            finished()
            box = show_error(
                self.window,
                f"The backup before closing was not made: {error_sentence(error)} "
                "The vault itself is unchanged; Crucible closes when you dismiss this.",
                "Backup not made",
            )
            box.finished.connect(lambda _r: then())

        self.background.run(self._on_quit_job(vault), done, failed)

    def backup_at_exit(self) -> None:
        """The app is ending with the vault open: back up if needed, before the lock.

        The event loop is ending, so there is no window left to keep
        responsive and no callback would be delivered: once the helper's
        jobs are done (so writes stay serialized) the backup runs right
        here. A failure cannot be shown any more and must not stop the
        lock that follows.
        """
        vault = self._vault()
        if vault is None:
            return
        self.background.wait()
        if not self.changes.changed(vault):
            return
        self.changes.reset()
        with contextlib.suppress(Exception):
            self._on_quit_job(vault)()

    def _on_quit_job(self, vault: Vault) -> Callable[[], BackupResult | None]:
        clock, mirror = self.clock, self.state.mirror_folder

        def work() -> BackupResult | None:
            from crucible.app.services.backups import backup_on_quit

            return backup_on_quit(vault, clock, True, mirror=mirror)

        return work

    # ------------------------------------------------------------------ restore

    def ask_restore(self, choice: RestoreChoice) -> None:
        """Start the restore flow for one backup."""
        self.restore_flow.ask(choice)

    def _restored(self) -> None:
        self.changes.reset()
        self._on_restored()

    # ------------------------------------------------------------------ windows

    def open_backups(self) -> BackupsController | None:
        """Show the Backups window (or bring the open one forward)."""
        from crucible.app.ui.safety.backups_controller import BackupsController, BackupServices
        from crucible.app.ui.safety.backups_view import BackupsView

        vault = self._vault()
        if vault is None:
            return None
        if self.backups_controller is not None:
            self.backups_controller.bring_forward()
            return self.backups_controller
        view = BackupsView(self.window)
        services = BackupServices(
            vault=vault,
            background=self.background,
            clock=self.clock,
            actor=self._actor,
            mirror=lambda: self.state.mirror_folder,
            set_mirror=self.set_mirror,
            run_write=self.run_write,
            restore=self.ask_restore,
            error_colour=self._error_colour,
        )
        self.backups_controller = BackupsController(view, services)
        view.destroyed.connect(lambda _obj=None: setattr(self, "backups_controller", None))
        view.show()
        self.backups_controller.reload()
        return self.backups_controller

    def open_audit(self) -> AuditController | None:
        """Show the Audit trail window (or bring the open one forward)."""
        from crucible.app.ui.safety.audit_controller import AuditController
        from crucible.app.ui.safety.audit_view import AuditView

        vault = self._vault()
        if vault is None:
            return None
        if self.audit_controller is not None:
            self.audit_controller.bring_forward()
            return self.audit_controller
        view = AuditView(self.window)
        self.audit_controller = AuditController(view, vault, self.background, self._error_colour)
        view.destroyed.connect(lambda _obj=None: setattr(self, "audit_controller", None))
        view.show()
        self.audit_controller.reload()
        return self.audit_controller

    def set_mirror(self, folder: Path | None) -> None:
        """Use (or stop using) a mirror folder; the change is stored and audited."""
        self.state = replace(self.state, mirror_folder=folder)
        vault, actor, clock, home = self._vault(), self._actor(), self.clock, self.folder

        def work() -> LoadedSettings:
            from crucible.app.services.audit_log import AuditAction, record

            stored = update_settings(home, mirror_folder=folder)
            if vault is not None:
                detail = {"backup_mirror": folder is not None}
                record(vault, AuditAction.SETTINGS_CHANGED, actor=actor, clock=clock, detail=detail)
            return stored

        if vault is None:
            self.background.run(work, self._said, self._report)
        else:
            self.run_write(work, self._said, self._report)

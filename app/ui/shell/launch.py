"""Start the desktop app: one instance per vault, the first window as early as possible.

Nothing here imports SQLAlchemy, SQLCipher, Argon2 or ReportLab: the setup
or unlock window shows first, and the database code loads on the background
thread while the clinician types (bench/startup.py measures it).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

# Set by bench/startup.py and the second-instance test: quit as soon as the
# first window has been shown, printing nothing but the exit status.
EXIT_AFTER_FIRST_WINDOW = "CRUCIBLE_EXIT_AFTER_FIRST_WINDOW"
# The log file opens this long after the first window (an error opens it at once).
LOG_RELEASE_MS = 1000
log = logging.getLogger(__name__)

if TYPE_CHECKING:  # names only: nothing heavy loads before the first window
    from crucible.app.services.clock import Clock
    from crucible.app.services.logbook import VaultLogHandler
    from crucible.app.services.vault_handle import KdfParams, UnlockThrottle
    from crucible.app.ui.shell.instance_guard import InstanceGuard
    from crucible.app.ui.shell.session import DesktopSession
    from crucible.app.ui.shell.shell_window import ShellWindow
    from crucible.app.ui.shell.unexpected_error import UnexpectedErrors


@dataclass
class Desktop:
    """What `launch` built: the window, the session, and the instance guard."""

    window: ShellWindow
    session: DesktopSession
    guard: InstanceGuard
    errors: UnexpectedErrors | None = None
    started: float = 0.0

    def close(self) -> None:
        """Lock, release the vault, close the window, give `sys.excepthook` back, close the log."""
        self.session.shutdown()
        self.guard.release()
        self.window.close()
        if self.errors is not None:
            self.errors.uninstall()
        stopped(self.started)


def stopped(started: float, status: int = 0) -> None:
    """Log the end of the run, then write and close the log."""
    from crucible.app.services.logbook import stop_logbook

    log.info("app stopped with status %d after %.1f s", status, time.monotonic() - started)
    stop_logbook()


def _log_start(folder: Path) -> VaultLogHandler:
    """Start the vault's log, holding its lines until the first window is up."""
    import PySide6
    from PySide6.QtCore import QTimer, qVersion

    from crucible.app import __version__
    from crucible.app.services.logbook import Version, start_logbook

    logbook = start_logbook(folder, hold=True)
    log.info(
        "app started: Crucible %s, Python %s, Qt %s, PySide6 %s",
        Version.of(__version__),
        Version(sys.version_info[:3]),
        Version.of(qVersion()),
        Version.of(PySide6.__version__),
    )
    QTimer.singleShot(LOG_RELEASE_MS, logbook.stop_holding)
    return logbook


def _copy_diagnostics(folder: Path, window: ShellWindow) -> None:
    """Help › Copy diagnostics; its module (and `platform`) load on first use, not at start."""
    from crucible.app.ui.shell.diagnostics import copy_diagnostics

    copy_diagnostics(folder, window)


def _show_about(folder: Path, window: ShellWindow) -> None:
    """Help › About; the metadata lookups it makes run on first use, not at start."""
    from crucible.app.services.about import about_facts
    from crucible.app.ui.shell.about_dialog import show_about

    show_about(about_facts(folder), window)


def launch(
    folder: Path,
    *,
    kdf: KdfParams | None = None,
    throttle: UnlockThrottle | None = None,
    clock: Clock | None = None,
    idle_clock: Callable[[], float] | None = None,
    idle_check_ms: int = 5000,
) -> Desktop | str:
    """Build and show the app for `folder`; or, if it is open elsewhere, the sentence saying so.

    The keyword arguments are for tests (fast key profile, fake clocks); the
    app itself passes none of them.
    """
    from PySide6.QtWidgets import QApplication

    from crucible.app.services.settings_file import open_settings
    from crucible.app.ui.kit.background import BackgroundWork
    from crucible.app.ui.shell.instance_guard import ALREADY_OPEN, InstanceGuard
    from crucible.app.ui.shell.process_policy import MemoryPolicy, apply_process_policy
    from crucible.app.ui.shell.session import DesktopSession
    from crucible.app.ui.shell.shell_window import ShellWindow
    from crucible.app.ui.shell.theme import apply_theme
    from crucible.app.ui.shell.unexpected_error import UnexpectedErrors
    from crucible.app.ui.shell.vault_gateway import VaultGateway

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    started = time.monotonic()
    guard = InstanceGuard(folder)
    if not guard.acquire():
        guard.notify_running()
        return ALREADY_OPEN
    loaded = open_settings(folder)
    settings = loaded.settings
    apply_theme(app, settings.theme)
    apply_process_policy()
    window = ShellWindow()
    # The one background helper: every controller gets this one (a second
    # pool would be a second writer in the process; docs/decisions/0017).
    background = BackgroundWork(window)
    memory = MemoryPolicy()
    session = DesktopSession(
        window,
        VaultGateway(folder, kdf=kdf, throttle=throttle, clock=clock),
        settings,
        idle_clock=idle_clock or time.monotonic,
        idle_check_ms=idle_check_ms,
        background=background,
        memory=memory,
    )
    guard.activation_requested.connect(session.bring_forward)
    errors = UnexpectedErrors(lambda: window)
    errors.install()
    _log_start(folder)
    window.copy_diagnostics.triggered.connect(lambda: _copy_diagnostics(folder, window))
    window.about.triggered.connect(lambda: _show_about(folder, window))
    session.start()
    if loaded.problem:  # a bad settings file: said once, kept aside, nothing lost
        window.statusBar().showMessage(loaded.problem)
    window.show()
    return Desktop(window, session, guard, errors, started)


def run_app(vault_folder: Path) -> int:
    """Create the QApplication and show the first window; returns the exit status."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from crucible.app.ui.shell.app_icon import app_icon

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Crucible")
    app.setDesktopFileName("crucible")
    app.setWindowIcon(app_icon())
    exit_early = bool(os.environ.get(EXIT_AFTER_FIRST_WINDOW))
    result = launch(vault_folder)
    if isinstance(result, str):
        print(result, file=sys.stderr)
        if exit_early:
            return 1
        box = QMessageBox(QMessageBox.Icon.Information, "Crucible — Already open", result)
        box.setAccessibleName("Already open")
        box.exec()
        return 1
    if exit_early:
        QTimer.singleShot(0, app.quit)
    app.aboutToQuit.connect(result.session.shutdown)
    status = int(app.exec())
    result.guard.release()
    stopped(result.started, status)
    return status

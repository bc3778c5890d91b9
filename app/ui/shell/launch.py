"""Start the desktop app: one instance per vault, the first window as early as possible.

Nothing here imports SQLAlchemy, SQLCipher, Argon2 or ReportLab: the setup
or unlock window shows first, and the database code loads on the background
thread while the clinician types (bench/startup.py measures it).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Set by bench/startup.py and the second-instance test: quit as soon as the
# first window has been shown, printing nothing but the exit status.
EXIT_AFTER_FIRST_WINDOW = "CRUCIBLE_EXIT_AFTER_FIRST_WINDOW"


@dataclass
class Desktop:
    """What `launch` built: the window, the session, and the instance guard."""

    window: Any
    session: Any
    guard: Any
    errors: Any = None

    def close(self) -> None:
        """Lock, release the vault, close the window, give `sys.excepthook` back."""
        self.session.shutdown()
        self.guard.release()
        self.window.close()
        if self.errors is not None:
            self.errors.uninstall()


def launch(
    folder: Path,
    *,
    kdf: Any = None,
    throttle: Any = None,
    clock: Any = None,
    idle_clock: Any = None,
    idle_check_ms: int = 5000,
) -> Desktop | str:
    """Build and show the app for `folder`; or, if it is open elsewhere, the sentence saying so.

    The keyword arguments are for tests (fast key profile, fake clocks); the
    app itself passes none of them.
    """
    from PySide6.QtWidgets import QApplication

    from app.services.settings import load_settings
    from app.ui.kit.background import BackgroundWork
    from app.ui.shell.instance_guard import ALREADY_OPEN, InstanceGuard
    from app.ui.shell.process_policy import MemoryPolicy, apply_process_policy
    from app.ui.shell.session import DesktopSession
    from app.ui.shell.shell_window import ShellWindow
    from app.ui.shell.theme import apply_theme
    from app.ui.shell.unexpected_error import UnexpectedErrors
    from app.ui.shell.vault_gateway import VaultGateway

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    guard = InstanceGuard(folder)
    if not guard.acquire():
        guard.notify_running()
        return ALREADY_OPEN
    settings = load_settings(folder)
    apply_theme(app, settings.theme)
    apply_process_policy()
    window = ShellWindow()
    # The one background helper: every controller gets this one (a second
    # pool would be a second writer in the process; docs/decisions/0017).
    background = BackgroundWork(window)
    memory = MemoryPolicy()
    extra: dict[str, Any] = {
        "idle_check_ms": idle_check_ms,
        "background": background,
        "memory": memory,
    }
    if idle_clock is not None:
        extra["idle_clock"] = idle_clock
    session = DesktopSession(
        window, VaultGateway(folder, kdf=kdf, throttle=throttle, clock=clock), settings, **extra
    )
    guard.activation_requested.connect(session.bring_forward)
    errors = UnexpectedErrors(lambda: window)
    errors.install()
    session.start()
    window.show()
    return Desktop(window, session, guard, errors)


def run_app(vault_folder: Path) -> int:
    """Create the QApplication and show the first window; returns the exit status."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Crucible")
    app.setDesktopFileName("crucible")
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
    return status

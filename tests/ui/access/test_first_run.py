"""First run: profile, passphrase, recovery code confirmation, then the main window."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from crucible.app.domain.passphrase import passphrase_problem
from crucible.app.services.profile import get_profile
from crucible.app.ui.access.first_run import normalize_group
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import PASSPHRASE
from tests.ui.conftest import wait_idle


def test_setup_end_to_end(
    qtbot: Any, start_desktop: Callable[..., Desktop], vault_folder: Path, tmp_path: Path
) -> None:
    """A new clinician sets up, saves the kit, types back the last group and reaches the app."""
    desktop = start_desktop()
    setup = desktop.session.setup
    view = setup.view
    assert desktop.window.windowTitle().startswith("Crucible")
    assert desktop.window.stack.currentWidget() is view

    view.name.setText("Robin Trainee")
    view.role_trainee.setChecked(True)
    view.next.click()
    assert "supervisor" in view.profile_message.text()
    view.supervisor.setText("Dr. Alex Moss")
    view.credentials.setText("MFT Trainee")
    view.next.click()
    assert view.pages.currentIndex() == 1

    view.passphrase.setText("short")
    assert view.hint.text() == passphrase_problem("short")
    view.create_button.click()
    assert "at least 8 characters" in view.passphrase_message.text()
    view.passphrase.setText(PASSPHRASE)
    view.repeat.setText(PASSPHRASE + "x")
    view.create_button.click()
    assert "differ" in view.passphrase_message.text()
    view.repeat.setText(PASSPHRASE)
    view.create_button.click()
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 2, timeout=10_000)
    code = view.code.text().replace(" ", "-")
    assert len(code.split("-")) == 8

    kit = tmp_path / "kit.pdf"
    setup.save_kit(kit)
    qtbot.waitUntil(lambda: "Saved" in view.kit_message.text(), timeout=10_000)
    assert kit.read_bytes().startswith(b"%PDF")

    view.confirm.setText("ZZZZ" if code[-4:] != "ZZZZ" else "YYYY")
    assert not view.finish.isEnabled()
    view.confirm.setText(code.split("-")[-1].lower())
    assert view.finish.isEnabled()
    with qtbot.waitSignal(desktop.session.opened, timeout=5000):
        view.finish.click()
    wait_idle(qtbot, desktop)
    assert desktop.window.windowTitle() == "Crucible — Casebook"
    assert desktop.session.workspace is not None
    profile = get_profile(desktop.session.vault)
    assert profile is not None
    assert (profile.name, str(profile.role), profile.supervisor) == (
        "Robin Trainee",
        "trainee",
        "Dr. Alex Moss",
    )
    assert desktop.session.setup is None  # the screen with the code is gone


def test_group_comparison_forgives_typing() -> None:
    """The typed-back group ignores case and the usual look-alikes."""
    assert normalize_group("o1l-a") == normalize_group("011A")


def test_first_window_shows_before_database_code(tmp_path: Path) -> None:
    """The setup/unlock window is built without importing SQLAlchemy, Alembic or ReportLab."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from crucible.app.ui.shell.launch import launch
        desktop = launch(Path({str(tmp_path / "v")!r}))
        heavy = {{"sqlalchemy", "alembic", "reportlab", "pyqtgraph", "sqlcipher3", "argon2"}}
        heavy = sorted({{m.split(".")[0] for m in sys.modules}} & heavy)
        print("HEAVY", heavy, desktop.window.isVisible())
        desktop.guard.release()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert "HEAVY [] True" in result.stdout, result.stderr


def test_unlock_screen_loads_the_database_code_while_the_clinician_types(
    vault_folder: Path, vault: Any, tmp_path: Path
) -> None:
    """Once the unlock screen is up, SQLAlchemy and the workspace's services load on a thread.

    Not before the window (the test above); but before Enter, so an unlock
    costs the key derivation and the opening, not a second of imports (issue 16).
    """
    vault.lock()
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from PySide6.QtWidgets import QApplication
        from PySide6.QtTest import QTest
        app = QApplication([])
        from crucible.app.ui.shell.launch import launch
        from crucible.app.ui.shell.vault_gateway import WORKSPACE_SERVICES
        desktop = launch(Path({str(vault_folder)!r}))
        print("BEFORE", "sqlalchemy" in sys.modules, desktop.session.stage.value)
        gateway = desktop.session.gateway
        deadline = time.monotonic() + 60
        while (gateway._early is None or gateway._early.is_alive()) and time.monotonic() < deadline:
            QTest.qWait(20)
        loaded = ["sqlalchemy.orm", "crucible.app.store.models", *WORKSPACE_SERVICES]
        print("AFTER", [m for m in loaded if m not in sys.modules], desktop.window.isVisible())
        desktop.guard.release()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert "BEFORE False locked" in result.stdout, result.stderr
    assert "AFTER [] True" in result.stdout, result.stderr

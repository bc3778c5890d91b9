"""The app and the vault's lock: shared while unlocked, released at lock; folders left alone.

Another process asks for the lock exclusively, as `crucible restore` or
`crucible passwd` would: refused while the app shows the vault, granted
while it shows the lock screen (the engine is disposed then, no file of
the vault is open). The app's own single-instance lock is separate.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from crucible.app.ui.shell.instance_guard import InstanceGuard
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import unlock

ROOT = Path(__file__).parents[2]


def _another_process_can_take_it(folder: Path) -> bool:
    probe = textwrap.dedent(f"""
        from pathlib import Path
        from crucible.app.store import vault_lock
        from crucible.app.store.errors import VaultInUseError
        try:
            vault_lock.exclusive(Path({str(folder)!r}), wait_s=0).release()
            print("granted")
        except VaultInUseError:
            print("refused")
    """)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip() == "granted"


def test_the_app_holds_the_vault_while_unlocked_and_not_while_locked(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """Restore and passwd elsewhere are refused while the vault is open in the app."""
    desktop = start_desktop(demo_vault)
    assert _another_process_can_take_it(demo_vault)  # the unlock screen holds nothing
    unlock(qtbot, desktop)
    assert not _another_process_can_take_it(demo_vault)
    window = desktop.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(desktop.session.locked, timeout=2000):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert _another_process_can_take_it(demo_vault)


def test_the_instance_guard_leaves_an_existing_folders_mode_alone(tmp_path: Path) -> None:
    """Starting the app on a folder the user made does not chmod it (finding 10)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o755)  # noqa: S103 (a folder the user made readable to others)
    guard = InstanceGuard(folder)
    assert guard.acquire()
    guard.release()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_the_instance_guard_makes_a_folder_it_creates_owner_only(tmp_path: Path) -> None:
    """A new folder for a first run is private from the start."""
    folder = tmp_path / "new"
    guard = InstanceGuard(folder)
    assert guard.acquire()
    guard.release()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700

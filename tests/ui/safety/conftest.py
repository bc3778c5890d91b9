"""Fixtures for the data-safety tests: the app on a demo vault with a clock the test moves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from crucible.app.store.vault import UnlockThrottle
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import FakeClock
from tests.ui.conftest import unlock


@pytest.fixture
def real_clock() -> FakeClock:
    """A clock that starts at the real now (file times and backup times then agree)."""
    return FakeClock(datetime.now().astimezone())


@pytest.fixture
def start_safe_desktop(
    demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> Callable[..., Desktop]:
    """Launch the app on the demo vault with a given services clock; closed at teardown."""

    def start(clock: FakeClock, folder: Path | None = None) -> Desktop:
        return start_desktop(folder or demo_vault, clock=clock)

    return start


def nine_am() -> FakeClock:
    """A clock at 09:00 local time on 25 November 2026."""
    return FakeClock(datetime(2026, 11, 25, 9, 0).astimezone())


def unlocked_at_nine(
    qtbot: Any, start_safe_desktop: Callable[..., Desktop]
) -> tuple[FakeClock, Desktop]:
    """The app on the demo vault, unlocked at `nine_am()` (the day's first unlock: a daily backup).

    Returns the clock (for the test to move) and the desktop.
    """
    clock = nine_am()
    desktop = start_safe_desktop(clock)
    unlock(qtbot, desktop)
    return clock, desktop


def backups_in(folder: Path, reason: str | None = None) -> list[Path]:
    """The backup files in the vault's backups folder (of one reason, if given)."""
    found = sorted((folder / "backups").glob("*.crucible-backup"))
    return [p for p in found if reason is None or f"-{reason}-" in p.name]


def make_backup(folder: Path, at: datetime, reason: str = "manual") -> Path:
    """A backup made through the service, with the vault unlocked just for it."""
    from crucible.app.services.backups import backup_now
    from crucible.app.services.vault_access import open_vault
    from tests.conftest import PASSPHRASE

    vault = open_vault(folder, PASSPHRASE, throttle=UnlockThrottle(sleep=lambda _s: None))
    try:
        return backup_now(vault, reason=reason, clock=lambda: at).info.path
    finally:
        vault.lock()


def visible(kind: type) -> list[Any]:
    """Every visible top-level widget of this type."""
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def hours_ago(clock: FakeClock, hours: float) -> datetime:
    """A moment `hours` before the clock's now."""
    return clock.now - timedelta(hours=hours)


def button(box: QWidget, text: str) -> Any:
    """The button of a message box whose text (without mnemonics) is `text`."""
    for candidate in box.findChildren(QAbstractButton):
        if candidate.text().replace("&", "") == text:
            return candidate
    raise AssertionError(f"no button {text!r}")

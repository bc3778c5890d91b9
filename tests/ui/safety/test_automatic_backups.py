"""Automatic backups: one daily backup at the first unlock of a day, one at quit after changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from crucible.app.services.settings_file import open_settings
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import add_couple, unlock, wait_idle
from tests.ui.safety.conftest import backups_in, unlocked_at_nine


def _add_couple(desktop: Desktop, code: str) -> None:
    add_couple(desktop.session.vault, code, ("Ann Example", "Ben Example"))


def test_daily_backup_once_per_day(
    qtbot: Any, demo_vault: Path, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """The first unlock of each day backs up (and runs the full check); later unlocks do not."""
    clock, desktop = unlocked_at_nine(qtbot, start_safe_desktop)
    assert len(backups_in(demo_vault, "daily")) == 1
    assert open_settings(demo_vault).settings.last_full_check == date(2026, 11, 25)
    for _ in range(2):
        clock.advance(2 * 3600)
        desktop.session.lock()
        unlock(qtbot, desktop)
        assert len(backups_in(demo_vault, "daily")) == 1
    clock.advance(24 * 3600)
    desktop.session.lock()
    unlock(qtbot, desktop)
    daily = backups_in(demo_vault, "daily")
    assert [p.name[9:17] for p in daily] == ["20261125", "20261126"]
    assert open_settings(demo_vault).settings.last_full_check == date(2026, 11, 26)


def test_backup_on_quit_only_after_changes(
    qtbot: Any, demo_vault: Path, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """Quitting after only looking (and the app's own daily backup) makes no on-quit backup."""
    clock, desktop = unlocked_at_nine(qtbot, start_safe_desktop)
    session = desktop.session
    session.workspace.select(("intensive", 1))
    session.quit()
    qtbot.waitUntil(lambda: session.vault is None, timeout=10_000)
    assert backups_in(demo_vault, "on-quit") == []

    # A change, then Quit from the menu: backed up in the background, then locked.
    clock.advance(3600)
    unlock(qtbot, desktop)
    _add_couple(desktop, "C-QUIT")
    desktop.window.quit.trigger()
    assert session.vault is not None  # still backing up: the lock comes after
    qtbot.waitUntil(lambda: session.vault is None, timeout=10_000)
    assert len(backups_in(demo_vault, "on-quit")) == 1


def test_change_survives_a_lock_and_closing_the_window_backs_up(
    qtbot: Any, demo_vault: Path, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """A change made before an idle lock still counts; closing the app (not Quit) backs up too."""
    clock, desktop = unlocked_at_nine(qtbot, start_safe_desktop)
    _add_couple(desktop, "C-LOCK")
    desktop.session.lock()
    clock.advance(600)
    unlock(qtbot, desktop)
    wait_idle(qtbot, desktop)
    desktop.close()
    assert len(backups_in(demo_vault, "on-quit")) == 1

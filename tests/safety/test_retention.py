"""Automatic backups: one on the first unlock of each day, one on quit after changes, pruned."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from crucible.app.services import backups, vault_access
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.conftest import PASSPHRASE, FakeClock

DAYS = 60


def _unlock(vault_folder: Path, clock: FakeClock) -> Vault:
    return vault_access.open_vault(vault_folder, PASSPHRASE, clock=clock, throttle=UnlockThrottle())


def test_sixty_days_of_unlocks_keep_seven_daily_and_four_weekly(
    vault: Vault, clock: FakeClock
) -> None:
    """Exactly the last 7 days and the 4 weeks before them remain; manual and pre-migration stay."""
    folder = vault.folder
    backups.backup_now(vault, reason="manual", clock=clock)
    vault_access.backup_before_migration(vault, clock)
    vault.lock()
    first_day = clock().date()
    for day in range(DAYS):
        for hour in (0, 5):  # a second unlock the same day makes no second daily backup
            clock.now = clock.now.replace(hour=9 + hour)
            unlocked = _unlock(folder, clock)
            try:
                backups.ensure_daily_backup(unlocked, clock)
            finally:
                unlocked.lock()
        if day < DAYS - 1:
            clock.advance(24 * 3600)
    listed = backups.list_backups(backups.backups_folder(folder))
    by_reason: dict[str, list[date]] = {}
    for item in listed:
        assert item.reason is not None
        assert item.created_at is not None
        by_reason.setdefault(item.reason, []).append(item.created_at.date())
    assert by_reason["manual"] == [first_day]
    assert by_reason["pre-migration"] == [first_day]
    last_day = first_day + timedelta(days=DAYS - 1)
    daily = {last_day - timedelta(days=n) for n in range(7)}
    oldest_daily_week_monday = min(daily) - timedelta(days=min(daily).weekday())
    weekly = {oldest_daily_week_monday - timedelta(days=1 + 7 * n) for n in range(4)}  # Sundays
    assert sorted(by_reason["daily"]) == sorted(daily | weekly)
    assert len(by_reason["daily"]) == 11


def test_quit_backs_up_only_after_changes_and_a_day_needs_one_automatic_backup(
    vault: Vault, clock: FakeClock
) -> None:
    """No change, no backup; an on-quit backup today spares the next unlock's daily one."""
    assert backups.backup_on_quit(vault, clock, changed=False) is None
    made = backups.backup_on_quit(vault, clock, changed=True)
    assert made is not None
    assert made.info.reason == "on-quit"
    clock.advance(3600)
    assert backups.ensure_daily_backup(vault, clock) is None
    clock.advance(24 * 3600)
    assert backups.ensure_daily_backup(vault, clock) is not None
    vault.lock()
    assert backups.backup_on_quit(vault, clock, changed=True) is None  # locked: nothing to copy


def test_the_mirror_is_pruned_by_the_same_rule(
    vault: Vault, clock: FakeClock, tmp_path: Path
) -> None:
    """Each automatic backup lands in the mirror too, and leaves it when it leaves the vault."""
    mirror = tmp_path / "mirror"
    for _ in range(10):
        backups.ensure_daily_backup(vault, clock, mirror=mirror)
        clock.advance(24 * 3600)
    local = sorted(p.name for p in backups.backups_folder(vault.folder).iterdir())
    assert sorted(p.name for p in mirror.iterdir()) == local
    # Wednesday 25 November to Friday 4 December: the 7 newest days; the week
    # of 23-29 November is already represented by its Sunday, so 25-27 go.
    assert len(local) == 7

"""The Backups window: list, back up now, restore after a passphrase change, the mirror."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from crucible.app.services import casebook
from crucible.app.services.audit_log import list_events
from crucible.app.services.vault_access import open_vault, set_new_passphrase
from crucible.app.store.vault import UnlockThrottle
from crucible.app.ui.safety.backups_view import RestoreDialog
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.conftest import add_couple, unlock, wait_idle
from tests.ui.safety.conftest import (
    backups_in,
    make_backup,
    nine_am,
    unlocked_at_nine,
    visible,
)
from tests.ui.shell.test_accessibility import _unnamed

NEW_PASSPHRASE = "a brand new passphrase for today"


def _open_backups(qtbot: Any, desktop: Desktop) -> Any:
    desktop.window.backups.trigger()
    window = desktop.session.data_safety.backups_controller
    assert window is not None
    qtbot.waitUntil(
        lambda: (
            window.model.rowCount() > 0 and not any(row.checking for row in window.model.rows())
        ),
        timeout=10_000,
    )
    return window


def _column(window: Any, column: int) -> list[str]:
    model = window.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_window_lists_backups_and_backs_up_now(
    qtbot: Any,
    qtmodeltester: Any,
    demo_vault: Path,
    start_safe_desktop: Callable[..., Desktop],
) -> None:
    """Backups made by the service are listed and verified; "Back up now" adds one with progress."""
    clock = nine_am()
    make_backup(demo_vault, clock.now - timedelta(days=1, hours=2))
    desktop = start_safe_desktop(clock)
    unlock(qtbot, desktop)  # makes today's daily backup too
    window = _open_backups(qtbot, desktop)
    view = window.view
    assert view.windowTitle().startswith("Crucible")
    assert _unnamed(view) == []
    qtmodeltester.check(window.model)
    assert _column(window, 0) == ["2026-11-25 09:00", "2026-11-24 07:00"]
    assert _column(window, 1) == ["Daily", "Manual"]
    assert all(check.startswith("Verified:") for check in _column(window, 3))
    assert all(size.endswith("KB") for size in _column(window, 2))

    clock.advance(60)
    view.back_up.click()
    assert view.progress.isVisible()
    assert not view.back_up.isEnabled()
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: not any(r.checking for r in window.model.rows()), timeout=10_000)
    assert not view.progress.isVisible()
    assert view.back_up.isEnabled()
    assert view.message.text().startswith("Backed up")
    assert _column(window, 1)[0] == "Manual"
    assert _column(window, 3)[0].startswith("Verified:")
    newest = backups_in(demo_vault, "manual")
    assert len(newest) == 2
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in newest)


def test_restore_with_the_old_passphrase_after_a_change(
    qtbot: Any, demo_vault: Path, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """Restore asks the backup's own secret, locks, restores, keeps the old vault aside."""
    clock, desktop = unlocked_at_nine(qtbot, start_safe_desktop)
    session = desktop.session
    assert len(backups_in(demo_vault, "daily")) == 1
    clock.advance(3 * 3600)
    set_new_passphrase(demo_vault, PASSPHRASE, NEW_PASSPHRASE, kdf=FAST_KDF)
    add_couple(session.vault, "C-LATER", ("Ann Later", "Ben Later"))
    window = _open_backups(qtbot, desktop)
    window.view.table.selectRow(0)
    window.view.restore.click()
    dialog = session.data_safety.restore_flow.dialog
    assert isinstance(dialog, RestoreDialog)
    assert dialog.isVisible()
    assert dialog.windowTitle().startswith("Crucible")
    assert _unnamed(dialog) == []
    explanation = dialog.explanation.text()
    assert "3 hours" in explanation
    assert "replaced-" in explanation
    assert "2026-11-25 09:00" in explanation

    # Today's passphrase did not exist when the backup was made: refused, nothing changed.
    dialog.secret.setText(NEW_PASSPHRASE)
    dialog.accept()
    qtbot.waitUntil(lambda: session.vault is None, timeout=10_000)
    qtbot.waitUntil(
        lambda: (
            session.data_safety.restore_flow.dialog is not dialog
            and session.data_safety.restore_flow.dialog.isVisible()
        ),
        timeout=10_000,
    )
    again = session.data_safety.restore_flow.dialog
    assert again.message.text().startswith("Neither a passphrase nor a recovery code")
    assert not list(demo_vault.glob("replaced-*"))

    again.secret.setText(PASSPHRASE)
    again.accept()
    qtbot.waitUntil(lambda: bool(visible(QMessageBox)), timeout=10_000)
    wait_idle(qtbot, desktop)
    (info,) = visible(QMessageBox)
    assert info.windowTitle() == "Crucible — Backup restored"
    assert "replaced-" in info.text()
    info.close()
    assert desktop.window.stack.currentWidget() is session.unlock_view
    assert desktop.window.windowTitle() == "Crucible — Unlock"
    (replaced,) = demo_vault.glob("replaced-*")
    assert (replaced / "vault.db").is_file()
    assert (replaced / "vault.key").is_file()

    unlock(qtbot, desktop, PASSPHRASE)
    labels = session.workspace.model.all_labels()
    assert not any("C-LATER" in label for label in labels)
    assert any("C-0007" in label for label in labels)
    actions = [e.action for e in list_events(session.vault)]
    assert "restore" in actions
    # The replaced vault still opens with the newer passphrase and still has the couple.
    old = open_vault(replaced, NEW_PASSPHRASE, throttle=UnlockThrottle(sleep=lambda _s: None))
    try:
        assert any(c.code == "C-LATER" for c in casebook.load_casebook(old))
    finally:
        old.lock()


def test_mirror_folder_is_remembered_and_used(
    qtbot: Any, tmp_path: Path, demo_vault: Path, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """Choosing a mirror folder stores it (not in the vault) and the next backup lands there too."""
    _clock, desktop = unlocked_at_nine(qtbot, start_safe_desktop)
    window = _open_backups(qtbot, desktop)
    assert not window.view.stop_mirror.isEnabled()
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    dialog = window.ask_mirror()
    assert dialog.windowTitle().startswith("Crucible")
    dialog.close()
    window._set_mirror(mirror)
    wait_idle(qtbot, desktop)
    assert window.view.mirror_folder.text() == str(mirror)
    assert window.view.stop_mirror.isEnabled()
    window.view.back_up.click()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=10_000)
    wait_idle(qtbot, desktop)
    assert "mirror" in window.view.message.text()
    assert len(list(mirror.glob("*.crucible-backup"))) == 1
    from crucible.app.services.settings_file import open_settings

    assert open_settings(demo_vault).settings.mirror_folder == mirror
    details = [e.detail for e in list_events(desktop.session.vault, action="settings-changed")]
    assert details == [{"backup_mirror": True}]


def test_closing_or_locking_mid_job_is_safe(
    qtbot: Any, demo_vault: Path, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """A window closed while its backup runs ignores the result; a lock closes both windows."""
    _clock, desktop = unlocked_at_nine(qtbot, start_safe_desktop)
    window = _open_backups(qtbot, desktop)
    window.view.back_up.click()
    window.view.close()
    wait_idle(qtbot, desktop)
    assert len(backups_in(demo_vault, "manual")) == 1
    assert desktop.session.data_safety.backups_controller is None

    desktop.window.backups.trigger()
    desktop.window.audit_trail.trigger()
    desktop.session.lock()
    assert desktop.session.data_safety.backups_controller is None
    assert desktop.session.data_safety.audit_controller is None
    assert not desktop.window.backups.isEnabled()
    assert not desktop.window.audit_trail.isEnabled()

"""Integrity on open: checks never delay the window; a failure offers the newest good backup."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from crucible.app.services import integrity
from crucible.app.services.integrity import CheckResult
from crucible.app.ui.safety.backups_view import RestoreDialog
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import PASSPHRASE, FakeClock
from tests.ui.conftest import damage_every_page, unlock, wait_idle
from tests.ui.safety.conftest import backups_in, button, hours_ago, make_backup, visible
from tests.ui.shell.test_accessibility import _unnamed

BAD_PAGE = "*** in database main *** Page 7: btreeInitPage() returns error code 11"


def test_quick_check_runs_after_the_window_is_shown(
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    real_clock: FakeClock,
    start_safe_desktop: Callable[..., Desktop],
) -> None:
    """A slow quick check runs in the background: the casebook is on screen before it ends."""
    real = integrity.quick_check
    finished = threading.Event()

    def slow(vault: Any) -> CheckResult:
        time.sleep(0.5)
        result = real(vault)
        finished.set()
        return result

    monkeypatch.setattr(integrity, "quick_check", slow)
    desktop = start_safe_desktop(real_clock)
    session = desktop.session
    session.unlock_view.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(session.opened, timeout=10_000):
        session.unlock_view.unlock.click()
    assert desktop.window.isVisible()
    assert desktop.window.stack.currentWidget() is session.workspace.view
    assert not finished.is_set()
    assert session.background.busy
    wait_idle(qtbot, desktop)
    assert finished.is_set()
    assert session.data_safety.integrity.prompt is None


def test_failing_quick_check_offers_the_newest_backup_with_the_gap(
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    demo_vault: Path,
    real_clock: FakeClock,
    start_safe_desktop: Callable[..., Desktop],
) -> None:
    """A reported problem leads to "Restore newest backup…" naming what would be lost."""
    make_backup(demo_vault, hours_ago(real_clock, 26), "daily")
    make_backup(demo_vault, hours_ago(real_clock, 3))
    monkeypatch.setattr(
        integrity, "quick_check", lambda _vault: CheckResult("quick_check", False, (BAD_PAGE,), 0.0)
    )
    desktop = start_safe_desktop(real_clock)
    unlock(qtbot, desktop)
    prompt = desktop.session.data_safety.integrity.prompt
    assert isinstance(prompt, QMessageBox)
    assert prompt.isVisible()
    assert prompt.windowTitle() == "Crucible — The vault is damaged"
    assert _unnamed(prompt) == []
    assert BAD_PAGE in prompt.text()
    assert "Manual backup made" in prompt.informativeText()
    assert "would lose 3 hours of work" in prompt.informativeText()
    assert len(backups_in(demo_vault)) == 2  # no daily backup of a vault that failed its check
    button(prompt, "Not now").click()
    assert desktop.session.data_safety.integrity.prompt is None
    assert desktop.session.vault is not None


def test_damaged_database_at_unlock_leads_to_a_restore(
    qtbot: Any, demo_vault: Path, real_clock: FakeClock, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """A database that does not open is offered its newest backup, restored, and unlocks again."""
    make_backup(demo_vault, hours_ago(real_clock, 5))
    damage_every_page(demo_vault / "vault.db")
    desktop = start_safe_desktop(real_clock)
    session = desktop.session
    session.unlock_view.passphrase.setText(PASSPHRASE)
    session.unlock_view.unlock.click()
    qtbot.waitUntil(lambda: session.data_safety.integrity.prompt is not None, timeout=10_000)
    prompt = session.data_safety.integrity.prompt
    assert "does not open" in prompt.text()
    assert "would lose 5 hours of work" in prompt.informativeText()
    button(prompt, "Restore newest backup…").click()
    dialog = session.data_safety.restore_flow.dialog
    assert isinstance(dialog, RestoreDialog)
    assert dialog.isVisible()
    dialog.secret.setText(PASSPHRASE)
    dialog.accept()
    qtbot.waitUntil(lambda: bool(visible(QMessageBox)), timeout=10_000)
    wait_idle(qtbot, desktop)
    for box in visible(QMessageBox):
        box.close()
    assert list(demo_vault.glob("replaced-*"))
    assert session.unlock_view.message.text() == ""
    unlock(qtbot, desktop)
    assert any("C-0007" in label for label in session.workspace.model.all_labels())

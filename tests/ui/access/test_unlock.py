"""Unlock: wrong and right passphrase, damaged files, and the recovery-code path."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crucible.app.services.errors import WrongSecretError
from crucible.app.services.vault_access import UPDATE_BACKUP, open_vault
from crucible.app.store import migrate
from crucible.app.store.vault import UnlockThrottle
from crucible.app.ui.kit import forms
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import PASSPHRASE
from tests.store.test_migrations import FIXTURE_0001, FIXTURE_PASSPHRASE
from tests.ui.conftest import damage_every_page, open_recovery_page, unlock, wait_idle


def _try(qtbot: Any, desktop: Desktop, passphrase: str) -> str:
    view = desktop.session.unlock_view
    view.passphrase.setText(passphrase)
    view.unlock.click()
    assert view.busy.isVisible()
    assert not view.unlock.isEnabled()
    qtbot.waitUntil(lambda: view.unlock.isEnabled(), timeout=10_000)
    return view.message.text()


def test_wrong_then_right_passphrase(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """A wrong passphrase says so (busy bar meanwhile); the right one opens the casebook."""
    desktop = start_desktop(demo_vault)
    assert desktop.window.windowTitle() == "Crucible — Unlock"
    assert _try(qtbot, desktop, "not the passphrase") == "The passphrase is not correct."
    assert desktop.session.vault is None
    unlock(qtbot, desktop)
    assert desktop.window.stack.currentWidget() is desktop.session.workspace.view
    assert "C-0007 — Dana Whitfield & Sam Okafor" in desktop.session.workspace.model.all_labels()


def test_damaged_key_file_has_its_own_message(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """A key file that does not parse is reported as damaged, not as a wrong passphrase."""
    (demo_vault / "vault.key").write_text("{ not a key file")
    desktop = start_desktop(demo_vault)
    message = _try(qtbot, desktop, PASSPHRASE)
    assert "key file" in message
    assert "passphrase is not correct" not in message


def test_damaged_database_points_at_backups(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """A database whose pages do not authenticate says so and points at restoring a backup."""
    damage_every_page(demo_vault / "vault.db")
    desktop = start_desktop(demo_vault)
    message = _try(qtbot, desktop, PASSPHRASE)
    assert "damaged" in message
    assert "backup" in message


def test_recovery_code_sets_a_new_passphrase(
    qtbot: Any, vault_folder: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """The recovery path unlocks and sets a new passphrase; the old one stops working."""
    desktop, view, code = open_recovery_page(vault_folder, start_desktop)
    assert view.pages.currentIndex() == 1
    view.code.setText("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    view.new_passphrase.setText("a brand new passphrase")
    view.repeat.setText("a brand new passphrase")
    view.recover.click()
    qtbot.waitUntil(lambda: view.recover.isEnabled(), timeout=10_000)
    assert view.recovery_message.text() == "The recovery code is not correct."
    view.code.setText(code.lower())
    with qtbot.waitSignal(desktop.session.opened, timeout=10_000):
        view.recover.click()
    desktop.close()
    throttle = UnlockThrottle(sleep=lambda _s: None)
    open_vault(vault_folder, "a brand new passphrase", throttle=throttle).lock()
    with pytest.raises(WrongSecretError):
        open_vault(vault_folder, PASSPHRASE, throttle=throttle).lock()


def test_the_backoff_survives_a_restart(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """Two wrong passphrases, quit, start again: the next try still waits (finding 14)."""
    desktop = start_desktop(demo_vault)
    for _ in range(2):
        assert _try(qtbot, desktop, "not the passphrase") == "The passphrase is not correct."
    desktop.close()
    waits: list[float] = []
    again = start_desktop(demo_vault, throttle=UnlockThrottle(sleep=waits.append))
    unlock(qtbot, again)
    assert len(waits) == 1
    assert 1.0 < waits[0] <= 2.0  # 2 s after the second failure, less the time since


def test_an_unlock_that_updates_the_vault_says_what_it_is_doing(
    qtbot: Any,
    tmp_path: Path,
    start_desktop: Callable[..., Desktop],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first unlock of an old vault shows the backup and each update step under the bar.

    The vault frozen at revision 0001 needs every later step (the search
    index's first fill among them). The lines wait `STAGE_AFTER_MS` so a
    normal unlock never shows them; here the wait is cut to nothing.
    """
    folder = tmp_path / "old"
    shutil.copytree(FIXTURE_0001, folder)
    shown: list[str] = []
    show = forms.show_message
    monkeypatch.setattr(
        forms,
        "show_message",
        lambda label, text, *rest: (shown.append(text), show(label, text, *rest)),
    )
    desktop = start_desktop(folder)
    desktop.session.unlock._stage_timer.setInterval(0)
    view = desktop.session.unlock_view
    view.passphrase.setText(FIXTURE_PASSPHRASE)
    view.unlock.click()
    qtbot.waitUntil(lambda: desktop.session.vault is not None, timeout=20_000)
    assert UPDATE_BACKUP in shown
    steps = [text for text in shown if text.startswith("Updating the vault")]
    assert steps
    assert f"step 1 of {int(migrate.head_revision()) - 1} " in steps[0]
    assert shown.index(UPDATE_BACKUP) < shown.index(steps[0])
    assert view.message.text() == ""  # the screen is reset once the vault is open
    wait_idle(qtbot, desktop)

"""File › Change passphrase…: the next unlock takes the new one, the old one no longer works.

Real vaults with the tests' key profile, the real window and its menu; the
change runs on the background helper as in the app.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from crucible.app.ui.shell.launch import Desktop
from crucible.app.ui.shell.passphrase_controller import CHANGED, WRONG_CURRENT
from crucible.app.ui.shell.passphrase_dialog import PassphraseDialog
from tests.conftest import PASSPHRASE
from tests.ui.conftest import unlock, visible_dialog, wait_idle

NEW = "a new and longer passphrase canary 7f3e"


def _change(qtbot: Any, desktop: Desktop, current: str, new: str, repeat: str) -> PassphraseDialog:
    desktop.window.change_passphrase.trigger()
    dialog: PassphraseDialog = visible_dialog(PassphraseDialog)
    assert dialog.focusWidget() is dialog.current  # the cursor starts in the first field
    dialog.current.setText(current)
    dialog.new.setText(new)
    dialog.repeat.setText(repeat)
    dialog.ok_button().click()
    wait_idle(qtbot, desktop)
    return dialog


def _open_dialogs() -> list[PassphraseDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, PassphraseDialog) and w.isVisible()
    ]


def test_the_new_passphrase_unlocks_and_the_old_one_no_longer_does(
    qtbot: Any, unlocked: Desktop, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = _change(qtbot, unlocked, PASSPHRASE, NEW, NEW)
    del dialog  # closed and deleted once the change is done
    qtbot.waitUntil(lambda: not _open_dialogs())
    assert unlocked.window.statusBar().currentMessage() == CHANGED
    assert unlocked.session.vault is not None  # still open: nothing else changed
    unlocked.session.lock()
    view = unlocked.session.unlock_view
    view.passphrase.setText(PASSPHRASE)
    view.unlock.click()
    qtbot.waitUntil(lambda: "not correct" in view.message.text(), timeout=10_000)
    unlock(qtbot, unlocked, NEW)
    assert unlocked.session.vault is not None
    assert NEW not in caplog.text
    assert PASSPHRASE not in caplog.text


def test_a_wrong_current_passphrase_changes_nothing_and_keeps_the_typing(
    qtbot: Any, unlocked: Desktop
) -> None:
    dialog = _change(qtbot, unlocked, "not the passphrase at all", NEW, NEW)
    assert dialog.isVisible()
    assert dialog.message.text() == WRONG_CURRENT
    assert dialog.new.text() == NEW
    assert not dialog.current.isReadOnly()
    assert QApplication.focusWidget() in (dialog.current, None)
    dialog.reject()
    unlocked.session.lock()
    unlock(qtbot, unlocked, PASSPHRASE)  # the old passphrase still opens it


@pytest.mark.parametrize(
    ("new", "repeat", "says"),
    [
        (NEW, NEW + "x", "differ"),
        ("short", "short", "characters"),
        (PASSPHRASE, PASSPHRASE, "the one you have now"),
    ],
)
def test_a_refused_new_passphrase_is_said_in_place(
    qtbot: Any, unlocked: Desktop, new: str, repeat: str, says: str
) -> None:
    dialog = _change(qtbot, unlocked, PASSPHRASE, new, repeat)
    assert dialog.isVisible()
    assert says in dialog.message.text()
    assert NEW not in dialog.message.text()
    assert PASSPHRASE not in dialog.message.text()
    dialog.reject()


def test_refused_while_a_command_holds_the_vault(
    qtbot: Any, unlocked: Desktop, vault_folder: Path
) -> None:
    """The CLI and the app on one vault: the change waits for the app to be alone."""
    holder = subprocess.Popen(  # a second process holding the vault's lock, as a command does
        [
            sys.executable,
            "-c",
            "import sys, time; from crucible.app.store import vault_lock; "
            "h = vault_lock.shared(__import__('pathlib').Path(sys.argv[1])); "
            "print('held', flush=True); time.sleep(30)",
            str(vault_folder),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        dialog = _change(qtbot, unlocked, PASSPHRASE, NEW, NEW)
        assert dialog.isVisible()
        assert "another window or command" in dialog.message.text()
        dialog.reject()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    unlocked.session.lock()
    unlock(qtbot, unlocked, PASSPHRASE)


def test_escape_while_the_change_runs_does_not_close_the_form(
    qtbot: Any, unlocked: Desktop
) -> None:
    """The result must find the dialog: it closes when the change is done, not before."""
    unlocked.window.change_passphrase.trigger()
    dialog: PassphraseDialog = visible_dialog(PassphraseDialog)
    dialog.set_working(True)
    dialog.reject()
    assert dialog.isVisible()
    assert dialog.current.isReadOnly()
    dialog.set_working(False)
    dialog.reject()
    qtbot.waitUntil(lambda: not _open_dialogs())

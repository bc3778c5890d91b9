"""Enter submits: every setup step and both unlock pages, as in the dialogs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from crucible.app.ui.shell.launch import Desktop
from tests.conftest import PASSPHRASE
from tests.ui.conftest import fill_recovery_page, wait_idle

RETURN = Qt.Key.Key_Return


def _at_the_passphrase_step(
    qtbot: Any, start_desktop: Callable[..., Desktop]
) -> tuple[Desktop, Any]:
    """A new setup: the name typed and submitted with Enter, the passphrase step showing."""
    desktop = start_desktop()
    view = desktop.session.setup.view
    view.name.setText("Jordan Reyes")
    qtbot.keyClick(view.name, RETURN)
    assert view.pages.currentIndex() == 1
    return desktop, view


def test_setup_goes_through_with_enter_only(
    qtbot: Any, start_desktop: Callable[..., Desktop]
) -> None:
    """Name + Enter, passphrase twice + Enter, the code's last group + Enter: the casebook."""
    desktop = start_desktop()
    view = desktop.session.setup.view
    qtbot.keyClicks(view.name, "Jordan Reyes")
    qtbot.keyClick(view.name, RETURN)
    assert view.pages.currentIndex() == 1
    assert desktop.window.windowTitle() == "Crucible — Set up: passphrase"

    qtbot.keyClicks(view.passphrase, PASSPHRASE)
    qtbot.keyClick(view.passphrase, Qt.Key.Key_Tab)
    qtbot.keyClicks(view.repeat, PASSPHRASE)
    qtbot.keyClick(view.repeat, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 2, timeout=10_000)
    # The title says which step shows: a test driving the real app by keys waits on it.
    assert desktop.window.windowTitle() == "Crucible — Set up: recovery code"

    last_group = view.code.text().split()[-1]
    qtbot.keyClicks(view.confirm, "ZZZZ" if last_group != "ZZZZ" else "YYYY")
    qtbot.keyClick(view.confirm, RETURN)  # the wrong group: Enter does nothing
    assert desktop.session.setup is not None
    view.confirm.clear()
    qtbot.keyClicks(view.confirm, last_group)
    with qtbot.waitSignal(desktop.session.opened, timeout=5000):
        qtbot.keyClick(view.confirm, RETURN)
    wait_idle(qtbot, desktop)


def test_enter_on_a_focused_button_presses_that_button(
    qtbot: Any, start_desktop: Callable[..., Desktop]
) -> None:
    """Tabbing to Back and pressing Enter goes back, as a focused button does in a dialog."""
    desktop, view = _at_the_passphrase_step(qtbot, start_desktop)
    desktop.window.activateWindow()
    qtbot.waitUntil(desktop.window.isActiveWindow)
    view.back.setFocus()
    qtbot.keyClick(view.back, RETURN)
    assert view.pages.currentIndex() == 0


def test_enter_in_a_checkbox_submits_the_step(
    qtbot: Any, start_desktop: Callable[..., Desktop]
) -> None:
    """Enter on "Show what I type" submits the passphrase step like anywhere else on it."""
    _desktop, view = _at_the_passphrase_step(qtbot, start_desktop)
    view.passphrase.setText("short")
    assert view.passphrase_message.text() == ""
    qtbot.keyClick(view.show_passphrase, RETURN)
    assert view.passphrase_message.text() != ""  # the step was submitted: too short, it says


def test_enter_submits_the_recovery_page(
    qtbot: Any, vault_folder: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """On the recovery page, Enter in the last field sets the new passphrase and unlocks."""
    desktop, view = fill_recovery_page(vault_folder, start_desktop, "a new passphrase for the test")
    with qtbot.waitSignal(desktop.session.opened, timeout=10_000):
        qtbot.keyClick(view.repeat, RETURN)
    wait_idle(qtbot, desktop)

"""The app's log from a real session, and Help › Copy diagnostics through the real menu."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication

from crucible.app import __version__
from crucible.app.services.logbook import log_path
from crucible.app.ui.shell.launch import Desktop
from crucible.app.ui.shell.unexpected_error import UnexpectedErrorDialog
from tests.conftest import PASSPHRASE

CANARY = "CANARYw2Halloran said something private"


def _menu_action(desktop: Desktop, menu_title: str, text: str) -> QAction:
    """The action as the user reaches it: the menu bar's menu, then the entry."""
    for entry in desktop.window.menuBar().actions():
        if entry.text() == menu_title and entry.menu() is not None:
            for action in entry.menu().actions():
                if action.text() == text:
                    return action
    raise AssertionError(f"no {text!r} in the {menu_title!r} menu")


def _raise_through_the_hook() -> None:
    try:
        raise KeyError(CANARY)
    except KeyError:
        sys.excepthook(*sys.exc_info())


@pytest.mark.qt_no_exception_capture  # the app's own hook is what is tested here
def test_an_unexpected_error_is_logged_by_type_and_frames_only(
    qtbot: Any, unlocked: Desktop, capfd: Any
) -> None:
    """The hook writes the error at once (no waiting for the log's start-up delay), client-free."""
    _raise_through_the_hook()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), UnexpectedErrorDialog))
    QApplication.activeModalWidget().reject()
    folder = unlocked.session.gateway.folder
    logged = log_path(folder).read_text("utf-8")  # before close: errors are not held back
    hook_record = (
        "crucible.app.ui.shell.unexpected_error: unexpected problem reached the event loop"
    )
    assert f"{hook_record}\nKeyError\n" in logged
    assert 'File "tests/ui/shell/test_diagnostics.py", line' in logged
    assert "in _raise_through_the_hook" in logged
    assert f"app started: Crucible {__version__}, Python 3." in logged
    assert "vault unlocked with the passphrase" in logged
    assert "job crucible.app.ui." in logged  # the unlock ran as a named background job
    for secret in ("CANARYw2Halloran", PASSPHRASE, "Dana", "Whitfield"):
        assert secret not in logged, secret
    assert "CANARYw2Halloran" not in capfd.readouterr().err


def test_copy_diagnostics_from_the_help_menu(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """At the unlock screen: versions, the log's path and its last lines reach the clipboard."""
    desktop = start_desktop(demo_vault)
    action = _menu_action(desktop, "&Help", "Copy &diagnostics")
    assert action.isEnabled()  # locked or not: diagnostics hold no client text
    action.trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Crucible diagnostics")
    assert f"Crucible {__version__}" in copied
    assert "SQLCipher 4." in copied
    assert f"Python {sys.version.split()[0]}" in copied
    assert f"Log: {log_path(demo_vault)}" in copied
    assert "app started: Crucible" in copied  # held back for a second, written for the copy
    for secret in (PASSPHRASE, "Dana", "Whitfield", "Jordan Reyes"):
        assert secret not in copied, secret
    assert "Diagnostics copied" in desktop.window.statusBar().currentMessage()

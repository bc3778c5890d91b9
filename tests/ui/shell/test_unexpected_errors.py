"""An exception in a real slot reaches the clinician as one sentence, details client-free."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from crucible.app.services import casebook
from crucible.app.ui.casebook.casebook_controller import CasebookController
from crucible.app.ui.shell.launch import Desktop
from crucible.app.ui.shell.unexpected_error import UnexpectedErrorDialog, UnexpectedErrors
from tests.ui.conftest import all_text

CLIENT_TEXT = "Dana Whitfield said something private"


def _dialog(qtbot: Any) -> UnexpectedErrorDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), UnexpectedErrorDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, UnexpectedErrorDialog)
    return dialog


@pytest.mark.qt_no_exception_capture  # the app's own hook is what is tested here
def test_an_exception_in_a_slot_shows_one_sentence_and_copies_client_free_details(
    qtbot: Any, unlocked: Desktop, monkeypatch: pytest.MonkeyPatch, capfd: Any
) -> None:
    """Selecting a couple runs the navigator's slot; it raises with client text in the message."""

    def broken(self: CasebookController, couple: Any, index: Any) -> None:
        raise RuntimeError(CLIENT_TEXT)

    monkeypatch.setattr(CasebookController, "_show_couple", broken)
    session = unlocked.session
    couple_id = casebook.load_casebook(session.vault)[0].id
    tree = session.workspace.view.tree
    source = session.workspace.model.find(("couple", couple_id))
    index = session.workspace.proxy.mapFromSource(source)
    tree.setCurrentIndex(index)  # Qt emits currentChanged; the slot raises
    dialog = _dialog(qtbot)
    shown = "\n".join(all_text(w) for w in (dialog, *dialog.findChildren(type(dialog.text))))
    assert "RuntimeError" in dialog.text.text()
    assert dialog.text.text().count(".") == 1  # one sentence
    assert "Dana" not in shown
    assert "private" not in shown

    dialog.copy.click()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("RuntimeError")
    assert 'File "app/ui/casebook/casebook_controller.py"' in copied
    assert "in _current_changed" in copied
    assert "in broken" in copied
    assert "Dana" not in copied
    assert "private" not in copied
    assert dialog.isVisible()  # copying does not close it

    err = capfd.readouterr().err
    assert "RuntimeError" in err
    assert "Dana" not in err
    dialog.reject()


@pytest.mark.qt_no_exception_capture
def test_repeated_errors_are_counted_in_one_window(qtbot: Any, unlocked: Desktop) -> None:
    """A slot failing again while the window is open updates it instead of stacking windows."""
    errors = unlocked.errors
    assert sys.excepthook is errors
    for _ in range(3):
        try:
            raise KeyError(CLIENT_TEXT)
        except KeyError:
            sys.excepthook(*sys.exc_info())
    dialog = _dialog(qtbot)
    assert "3 times" in dialog.text.text()
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, UnexpectedErrorDialog)]
    assert [w for w in shown if w.isVisible()] == [dialog]
    assert CLIENT_TEXT not in dialog.details
    dialog.reject()


def test_the_hook_is_given_back_when_the_app_closes() -> None:
    """Installing and uninstalling restores whatever hook was there before."""
    before = sys.excepthook
    errors = UnexpectedErrors(lambda: None)
    errors.install()
    assert sys.excepthook is errors
    errors.uninstall()
    assert sys.excepthook is before

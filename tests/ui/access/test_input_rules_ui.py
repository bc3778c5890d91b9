"""Findings 6, 9 and 15 in the app: the same rules as the command, shown in place."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crucible.app.domain.intensive import SUPERVISION_NEEDS_BOTH
from crucible.app.services import casebook
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.ui.casebook.couple_dialog import CoupleDialog
from crucible.app.ui.casebook.intensive_dialog import (
    NewIntensiveDialog,
    RenameDialog,
    SupervisionDialog,
)
from crucible.app.ui.casebook.report_dialog import ReportDialog
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import fill_recovery_page, visible_dialog

# ---------------------------------------------------------------- report password (6)


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("é" * 64, "at most 127 bytes"),
        ("short", "at least 6 characters"),
        ("tab\tinside", "control character"),
    ],
    ids=["128-bytes", "short", "tab"],
)
def test_report_dialog_refuses_what_a_reader_could_not_open(
    qtbot: Any, unlocked: Desktop, password: str, expected: str
) -> None:
    """The dialog stays open with the rule's sentence; no file chooser appears."""
    unlocked.session.workspace.select(("intensive", 1))
    qtbot.waitUntil(unlocked.window.export_report.isEnabled, timeout=5000)
    unlocked.window.export_report.trigger()
    dialog = visible_dialog(ReportDialog)
    dialog.protect.setChecked(True)
    dialog.password.setText(password)
    dialog.repeat.setText(password)
    dialog.accept()
    assert dialog.isVisible()
    assert expected in dialog.message.text()
    dialog.reject()


# ---------------------------------------------------------------- one-line fields (9)


def _couple_dialog(desktop: Desktop, code: str, name_a: str) -> CoupleDialog:
    desktop.window.new_couple.trigger()
    dialog = visible_dialog(CoupleDialog)
    dialog.code.setText(code)
    (a_name, _ap, _ac), (b_name, _bp, _bc) = dialog.partner_fields.values()
    a_name.setText(name_a)
    b_name.setText("Blake Rivera")
    dialog.accept()
    return dialog


@pytest.mark.parametrize(
    ("code", "name_a", "expected"),
    [
        ("C-\x1b[31m9", "Avery Stone", "The couple code must not contain"),
        ("C-0101", "Avery\x1b[2J Stone", "A partner's name must not contain"),
        ("C-0102", "Avery\u202eenots", "A partner's name must not contain"),
        ("   ", "Avery Stone", "A couple needs a code"),
    ],
    ids=["escape-in-code", "escape-in-name", "bidi-override", "spaces-only"],
)
def test_couple_dialog_refuses_control_characters(
    unlocked: Desktop, code: str, name_a: str, expected: str
) -> None:
    """The dialog keeps the typing and says which field is wrong; nothing is created."""
    before = len(casebook.load_casebook(unlocked.session.workspace.vault))
    dialog = _couple_dialog(unlocked, code, name_a)
    assert dialog.isVisible()
    assert dialog.message.text().startswith(expected), dialog.message.text()
    dialog.reject()
    assert len(casebook.load_casebook(unlocked.session.workspace.vault)) == before


def _new_intensive_dialog(desktop: Desktop) -> tuple[Any, Any, NewIntensiveDialog]:
    """Select the first couple and open New intensive: the workspace, the couple, the dialog."""
    ws = desktop.session.workspace
    couple = casebook.load_casebook(ws.vault)[0]
    ws.select(("couple", couple.id))
    desktop.window.new_intensive.trigger()
    return ws, couple, visible_dialog(NewIntensiveDialog)


def test_intensive_dialogs_refuse_control_characters(qtbot: Any, unlocked: Desktop) -> None:
    """New intensive (title, trainee), rename and supervision: refused in place."""
    ws, couple, new = _new_intensive_dialog(unlocked)
    new.title.setText("Intensive\r\n\x1b[2J")
    new.accept()
    assert new.isVisible()
    assert new.message.text().startswith("The title must not contain")
    new.reject()

    intensive = couple.intensives[0]
    ws.select(("intensive", intensive.id))
    ws.view.details.rename_intensive.click()
    rename = visible_dialog(RenameDialog)
    rename.title.setText("New\ttitle")
    rename.accept()
    assert rename.message.text().startswith("The title must not contain")
    rename.reject()

    ws.view.details.supervision.click()
    supervision = visible_dialog(SupervisionDialog)
    supervision.trainee.setText("Robin\nTrainee")
    supervision.supervisor.setText("Dr. Alex Moss")
    supervision.accept()
    assert supervision.message.text().startswith("The trainee's name must not contain")
    supervision.reject()


# ---------------------------------------------------------------- passphrase rule (15)


def test_setup_refuses_a_passphrase_of_spaces(
    qtbot: Any, start_desktop: Callable[..., Desktop]
) -> None:
    """Eight spaces are eight characters but no passphrase; the hint names common ones."""
    desktop = start_desktop()
    view = desktop.session.setup.view
    view.name.setText("Jordan Reyes")
    view.next.click()
    view.passphrase.setText(" " * 12)
    view.repeat.setText(" " * 12)
    view.create_button.click()
    assert "not spaces" in view.passphrase_message.text()
    assert view.pages.currentIndex() == 1
    for common in ("Football123!", "sunflower2025", "Correct Horse Battery Staple"):
        view.passphrase.setText(common)
        assert "most common passwords" in view.hint.text(), common
    view.passphrase.setText("violet kettle ladder moss")
    assert view.hint.text().startswith("Strong")


def test_recovery_refuses_a_passphrase_of_spaces(
    qtbot: Any, vault_folder: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """The recovery page applies the same rule before the code is even checked."""
    _desktop, view = fill_recovery_page(vault_folder, start_desktop, "  \t     \u3000  ")
    view.recover.click()
    assert "not spaces" in view.recovery_message.text()
    assert view.recover.isEnabled()  # nothing started


# ---------------------------------------------------------------- a supervised intensive


def _refused_with_one_name(dialog: Any, supervisor: str) -> None:
    """Name a trainee and a blank supervisor, submit: the dialog stays with the rule's sentence."""
    dialog.trainee.setText("Robin Trainee")
    dialog.supervisor.setText(supervisor)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.message.text() == SUPERVISION_NEEDS_BOTH
    dialog.reject()


def test_new_supervised_intensive_needs_both_names(qtbot: Any, unlocked: Desktop) -> None:
    """The service's sentence, shown in the dialog; nothing is created."""
    ws, couple, new = _new_intensive_dialog(unlocked)
    new.supervised.setChecked(True)
    _refused_with_one_name(new, "  ")
    assert casebook.load_casebook(ws.vault)[0].intensives == couple.intensives


def test_supervision_dialog_refuses_one_name(qtbot: Any, unlocked: Desktop) -> None:
    """Naming a trainee without a supervisor is refused in place; the intensive is unchanged."""
    ws = unlocked.session.workspace
    intensive = casebook.load_casebook(ws.vault)[0].intensives[0]
    ws.select(("intensive", intensive.id))
    ws.view.details.supervision.click()
    _refused_with_one_name(visible_dialog(SupervisionDialog), "")
    assert not get_intensive(ws.vault, intensive.id).is_supervised

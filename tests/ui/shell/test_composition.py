"""The session's parts: built in one place at unlock, cut off from the menus at lock."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from crucible.app.ui.casebook.couple_dialog import CoupleDialog
from crucible.app.ui.shell.session import Stage
from tests.ui.conftest import Desktop, unlock, visible_dialog

UI = Path(__file__).resolve().parents[3] / "app" / "ui"


def _couple_dialogs() -> list[CoupleDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CoupleDialog)]


def test_a_lock_cuts_the_menus_off_and_an_unlock_routes_them_to_the_new_parts(
    qtbot: Any, unlocked: Desktop
) -> None:
    """After a lock even a forced menu trigger reaches nothing; after unlocking, the new parts."""
    session, window = unlocked.session, unlocked.window
    first = session.parts
    assert session.stage is Stage.UNLOCKED
    assert first is not None
    session.lock()
    assert session.stage is Stage.LOCKED
    assert session.parts is None
    window.new_couple.setEnabled(True)  # disabled while locked; fire it anyway
    window.new_couple.trigger()
    window.find_action.setEnabled(True)
    window.find_action.trigger()
    assert not [d for d in _couple_dialogs() if d.isVisible()]

    unlock(qtbot, unlocked)
    second = session.parts
    assert second is not None
    assert second is not first
    window.new_couple.trigger()
    assert visible_dialog(CoupleDialog) is not None
    window.show_archived.setChecked(True)
    assert second.casebook.showing_archived()
    second.screen.show_archived.setChecked(False)  # the box in the navigator drives the menu
    assert not window.show_archived.isChecked()


def test_the_profile_menu_opens_the_form_of_the_open_vault(unlocked: Desktop) -> None:
    """File › Profile… reaches the profile controller composed at this unlock."""
    from crucible.app.ui.shell.profile_dialog import ProfileDialog

    unlocked.window.profile.trigger()
    dialog = visible_dialog(ProfileDialog)
    assert dialog.name.text() == (unlocked.session.profile.name if unlocked.session.profile else "")


def _attribute_chains(source: str) -> set[str]:
    """Every dotted name read in `source`, like "self.ws.view.details"."""
    chains = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            parts, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                parts.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name):
                parts.append(inner.id)
            chains.add(".".join(reversed(parts)))
    return chains


def test_no_controller_reads_another_controllers_view() -> None:
    """The edits, the file actions and the session use methods and signals, not `.view.`."""
    offenders = {}
    for path in (
        UI / "casebook" / "casebook_edits.py",
        UI / "casebook" / "file_actions.py",
        UI / "shell" / "session.py",
        UI / "shell" / "composition.py",
        UI / "shell" / "menu_routes.py",
    ):
        reached = {
            chain
            for chain in _attribute_chains(path.read_text(encoding="utf-8"))
            if ".view." in chain and not chain.startswith(("self.view.", "view."))
        }
        if reached:
            offenders[path.name] = sorted(reached)
    assert offenders == {}

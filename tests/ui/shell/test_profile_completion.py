"""A vault from `crucible init` opens blocks in the app; the app asks for a missing profile."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from crucible.app.cli import Terminal, main
from crucible.app.domain.vocabulary import Role
from crucible.app.services import casebook
from crucible.app.services.profile import ClinicianProfile, get_profile
from crucible.app.ui.shell.launch import Desktop
from crucible.app.ui.shell.profile_dialog import ProfileDialog
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.conftest import DEMO, unlock


def _crucible(folder: Path, *args: str) -> str:
    """Run the real `crucible` command without a TTY (the passphrase on stdin)."""
    out, err = io.StringIO(), io.StringIO()
    status = main(
        ["--vault", str(folder), *args],
        terminal=Terminal(io.StringIO(PASSPHRASE + "\n"), out, err),
        kdf=FAST_KDF,
    )
    assert status == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture
def cli_vault(vault_folder: Path) -> Path:
    """`crucible init` (no TTY, no options) then `crucible import` of the demo intensive."""
    _crucible(vault_folder, "init")
    _crucible(vault_folder, "import", str(DEMO))
    return vault_folder


def _open_unsigned_block(desktop: Desktop) -> int:
    session = desktop.session
    intensive = casebook.load_casebook(session.vault)[0].intensives[0]
    block_id = intensive.days[0].blocks[1].id
    assert session.workspace.select(("block", block_id))
    return block_id


def _profile_dialog(qtbot: Any) -> ProfileDialog:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ProfileDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, ProfileDialog)
    return dialog


def test_a_cli_made_vault_asks_for_the_profile_and_opens_blocks(
    qtbot: Any, cli_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """First unlock: the profile form; the block opens behind it; saving signs in that name."""
    desktop = start_desktop(cli_vault)
    unlock(qtbot, desktop)
    dialog = _profile_dialog(qtbot)
    block_id = _open_unsigned_block(desktop)
    workspace = desktop.session.block_workspace
    assert workspace is not None
    assert workspace.isVisible()
    assert workspace.record is not None
    assert workspace.record.block_id == block_id

    dialog.name.setText("Ari Lopez")
    dialog.credentials.setText("MFT")
    dialog.role_trainee.setChecked(True)
    dialog.supervisor.setText("Morgan Hale")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    expected = ClinicianProfile("Ari Lopez", "MFT", Role.TRAINEE, "Morgan Hale")
    assert get_profile(desktop.session.vault) == expected
    assert workspace.services.signer == "Ari Lopez, MFT"
    assert desktop.session.workspace.actor == "Ari Lopez, MFT"


def test_a_dismissed_profile_form_leaves_the_app_usable_but_signs_nothing(
    qtbot: Any, cli_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """Cancel: blocks still open; Sign says to complete the profile; the next unlock asks again."""
    desktop = start_desktop(cli_vault)
    unlock(qtbot, desktop)
    _profile_dialog(qtbot).reject()
    _open_unsigned_block(desktop)
    workspace = desktop.session.block_workspace
    workspace.view.note.sign.click()
    assert workspace.note.dialog is None  # no "Sign as …?" box for a nameless signer
    status = workspace.view.note.status.text()
    assert "profile" in status
    assert "File › Profile" in status
    desktop.session.lock()
    unlock(qtbot, desktop)
    _profile_dialog(qtbot).reject()


def test_a_vault_without_any_profile_row_opens_too(
    qtbot: Any, vault_folder: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """A vault from an older `crucible init` (no profile at all) asks, and blocks open."""
    from crucible.app.services.intensive_exchange import import_intensive
    from crucible.app.services.vault_access import new_vault

    vault, _code = new_vault(vault_folder, PASSPHRASE, kdf=FAST_KDF)
    import_intensive(vault, DEMO.read_bytes(), actor="test")
    vault.lock()
    desktop = start_desktop(vault_folder)
    unlock(qtbot, desktop)
    dialog = _profile_dialog(qtbot)
    _open_unsigned_block(desktop)
    assert desktop.session.block_workspace.isVisible()
    dialog.name.setText("")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible()  # the form explains and stays open
    assert "name" in dialog.message.text()


def test_file_profile_edits_the_profile_any_time(qtbot: Any, unlocked: Desktop) -> None:
    """File › Profile… shows the stored profile, supervisor role included."""
    unlocked.window.profile.trigger()
    dialog = _profile_dialog(qtbot)
    assert dialog.name.text() == "Jordan Reyes"
    dialog.role_supervisor.setChecked(True)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    profile = get_profile(unlocked.session.vault)
    assert profile is not None
    assert profile.role is Role.SUPERVISOR

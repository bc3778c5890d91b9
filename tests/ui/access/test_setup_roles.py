"""The first-run wizard offers the supervisor role too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crucible.app.domain.vocabulary import Role
from crucible.app.services.profile import get_profile
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import PASSPHRASE
from tests.ui.conftest import wait_idle


def test_a_supervisor_sets_up_without_a_supervisor_of_their_own(
    qtbot: Any, start_desktop: Callable[..., Desktop]
) -> None:
    """Role "Supervisor": no supervisor's name asked; the vault's profile says supervisor."""
    desktop = start_desktop()
    setup = desktop.session.setup
    view = setup.view
    view.name.setText("Morgan Hale")
    view.credentials.setText("PhD")
    view.role_supervisor.setChecked(True)
    assert not view.supervisor.isEnabled()
    view.next.click()
    assert view.pages.currentIndex() == 1
    view.passphrase.setText(PASSPHRASE)
    view.repeat.setText(PASSPHRASE)
    view.create_button.click()
    qtbot.waitUntil(lambda: view.pages.currentIndex() == 2, timeout=10_000)
    view.confirm.setText(view.code.text().split()[-1])
    with qtbot.waitSignal(desktop.session.opened, timeout=5000):
        view.finish.click()
    wait_idle(qtbot, desktop)
    profile = get_profile(desktop.session.vault)
    assert profile is not None
    assert profile.role is Role.SUPERVISOR
    assert profile.signature == "Morgan Hale, PhD"

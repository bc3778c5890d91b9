"""A wrong passphrase on the unlock screen becomes a "failed-unlock" event at the next unlock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from crucible.app.services.audit_log import PENDING_FILE, list_events
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import FakeClock
from tests.ui.conftest import unlock


def test_wrong_passphrase_is_audited_at_the_next_unlock(
    qtbot: Any, demo_vault: Path, real_clock: FakeClock, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """The UI notes the failure in pending-audit.json; the next unlock appends it to the chain."""
    desktop = start_safe_desktop(real_clock)
    view = desktop.session.unlock_view
    view.passphrase.setText("not the passphrase")
    view.unlock.click()
    qtbot.waitUntil(lambda: view.unlock.isEnabled(), timeout=10_000)
    assert view.message.text() == "The passphrase is not correct."
    assert (demo_vault / PENDING_FILE).is_file()
    unlock(qtbot, desktop)
    events = list_events(desktop.session.vault)
    failed = [e for e in events if e.action == "failed-unlock"]
    assert len(failed) == 1
    assert set(failed[0].detail) == {"pending_id", "provenance"}
    assert not failed[0].authenticated
    actions = [e.action for e in events]
    assert actions.index("failed-unlock") < actions.index("unlock")  # flushed before the unlock
    assert not (demo_vault / PENDING_FILE).exists()

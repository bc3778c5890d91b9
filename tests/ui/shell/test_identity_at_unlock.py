"""The vault's key pair for the supervision loop is made at the first unlock that lacks it."""

from __future__ import annotations

from typing import Any

from crucible.app.services.audit_log import list_events
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import unlock, wait_idle


def _made(desktop: Desktop) -> int:
    events = list_events(desktop.session.parts.vault)
    return [e.action for e in events].count("identity-created")


def test_keys_are_made_once_at_unlock(qtbot: Any, demo_vault: Any, start_desktop: Any) -> None:
    desktop: Desktop = start_desktop(demo_vault)
    unlock(qtbot, desktop)
    qtbot.waitUntil(lambda: _made(desktop) == 1, timeout=10_000)
    desktop.session.lock()
    unlock(qtbot, desktop)
    wait_idle(qtbot, desktop)
    assert _made(desktop) == 1  # the second unlock finds them

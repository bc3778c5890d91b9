"""Opening the Hours window the way a clinician does (Tools › Hours), for the window's tests."""

from __future__ import annotations

from typing import Any

from crucible.app.ui.shell.launch import Desktop


def open_hours(qtbot: Any, desktop: Desktop) -> Any:
    """Trigger Tools › Hours and wait for the first count; returns the window's controller."""
    desktop.window.hours.trigger()
    controller = desktop.session.parts.hours.controller
    assert controller is not None
    qtbot.waitUntil(lambda: controller.log is not None, timeout=10_000)
    return controller

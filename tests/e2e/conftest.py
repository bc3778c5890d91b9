"""The real-conditions suite needs Xvfb, xdotool and ImageMagick; CI must have them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.e2e.xsession import Keyboard, XDisplay, missing_tools


@pytest.fixture
def display() -> Iterator[XDisplay]:
    """A private 1366x768 X server with no window manager; skipped only outside CI."""
    missing = missing_tools()
    if missing:
        message = (
            f"the end-to-end suite needs {', '.join(missing)} "
            "(Debian: apt-get install xvfb xdotool imagemagick)"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI is set, and {message}")
        pytest.skip(message)
    server = XDisplay()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def keyboard(display: XDisplay) -> Keyboard:
    """xdotool on the private display."""
    return Keyboard(display.name)

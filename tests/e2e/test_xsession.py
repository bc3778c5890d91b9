"""The private X server must accept every client, however often others come and go."""

from __future__ import annotations

import subprocess
import threading

from tests.e2e.xsession import Keyboard, XDisplay


def _connect(keyboard: Keyboard) -> bool:
    """One short X client, like xdotool polling for a window: True if it connected."""
    result = subprocess.run(
        ["xdotool", "getdisplaygeometry"],  # noqa: S607
        env=keyboard.env,
        capture_output=True,
        timeout=20,
        check=False,
    )
    return result.returncode == 0


def test_a_client_connects_while_others_come_and_go(display: XDisplay, keyboard: Keyboard) -> None:
    """The app connects while the test polls for its window; a server reset must not refuse it.

    Xvfb resets whenever its last client leaves, and refuses connections while
    it does: without `-noreset`, about 1 in 20 of these connections failed.
    """
    churn = threading.Thread(target=lambda: [_connect(keyboard) for _ in range(150)])
    churn.start()
    try:
        failures = sum(not _connect(keyboard) for _ in range(150))
    finally:
        churn.join()
    assert failures == 0, f"{failures} of 150 connections to {display.name} were refused"

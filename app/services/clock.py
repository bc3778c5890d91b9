"""The one source of "now" for services, so tests can fix time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The local wall-clock time with its UTC offset."""
    return datetime.now().astimezone()

"""What every data-safety part works with, handed over as one value.

Data safety (`DataSafety`) and the restore it starts (`RestoreFlow`) need
the same seven things from the session: the window to parent their
dialogs, the one background helper, the vault folder, the clock, how to
lock, who acts (for the audit trail) and the error colour of the theme.
One frozen value keeps their constructors from repeating the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QMainWindow

from crucible.app.ui.kit.background import BackgroundWork


@dataclass(frozen=True, slots=True)
class SafetyContext:
    """The session's window, helper, folder, clock, lock, actor and error colour."""

    window: QMainWindow
    background: BackgroundWork
    folder: Path
    clock: Callable[[], datetime]
    lock: Callable[[], None]
    actor: Callable[[], str]
    error_colour: Callable[[], str]


__all__ = ["SafetyContext"]

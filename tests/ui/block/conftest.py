"""Fixtures for the block workspace: the demo intensive in a real vault, timers the test fires."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from crucible.app.domain.intensive import Intensive
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.store.vault import Vault
from crucible.app.ui.block import BlockController, BlockServices
from crucible.app.ui.kit.background import BackgroundWork
from tests.conftest import FakeClock

DEMO = Path(__file__).parents[3] / "resources" / "demo-intensive.json"
SIGNER = "Jordan Reyes, LMFT"
EST = timezone(timedelta(hours=-5))


class ManualTimer(QTimer):
    """A QTimer that never runs by itself: the test fires it."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.pending = False

    def start(self, *_args: Any) -> None:
        self.pending = True

    def stop(self) -> None:
        self.pending = False

    def isActive(self) -> bool:
        return self.pending

    def fire(self) -> None:
        self.pending = False
        self.timeout.emit()


class ManualTimers:
    """The workspace's timer factory in tests: remembers every timer by name."""

    def __init__(self) -> None:
        self.made: dict[str, ManualTimer] = {}

    def __call__(self, name: str) -> QTimer:
        timer = ManualTimer(name)
        self.made[name] = timer
        return timer

    def fire(self, name: str) -> None:
        self.made[name].fire()


@dataclass
class Demo:
    """The demo intensive imported into a fresh vault."""

    vault: Vault
    intensive_id: int
    intensive: Intensive

    def block_id(self, title: str) -> int:
        for day in self.intensive.days:
            for block in day.blocks:
                if block.title == title:
                    assert block.id is not None
                    return block.id
        raise LookupError(title)


@pytest.fixture
def demo(vault: Vault) -> Demo:
    intensive_id = import_intensive(vault, DEMO.read_bytes(), actor="test")
    return Demo(vault, intensive_id, get_intensive(vault, intensive_id))


@pytest.fixture
def session_clock() -> FakeClock:
    """Half an hour into Day 2's first block."""
    return FakeClock(datetime(2026, 11, 3, 9, 30, tzinfo=EST))


@pytest.fixture
def timers() -> ManualTimers:
    return ManualTimers()


@pytest.fixture
def make_workspace(
    qtbot: Any, demo: Demo, session_clock: FakeClock, timers: ManualTimers
) -> Iterator[Any]:
    """Build a shown workspace over the demo vault (keyword arguments go to BlockController)."""
    made: list[BlockController] = []

    def make(**kwargs: Any) -> BlockController:
        services = BlockServices(demo.vault, signer=SIGNER, clock=session_clock)
        kwargs.setdefault("background", BackgroundWork())
        workspace = BlockController(services, clock=session_clock, timer_factory=timers, **kwargs)
        workspace.resize(1440, 900)
        workspace.show()
        qtbot.waitExposed(workspace)
        workspace.activateWindow()
        made.append(workspace)
        return workspace

    yield make
    for workspace in made:
        workspace.save_pending()
        workspace.clear()
        workspace.background.wait()
        workspace.close()
        workspace.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


DAY2 = "Joint: skills, requests and the feedback wheel"
SIGNED = "Joint: history and pattern"


@pytest.fixture
def workspace(qtbot: Any, make_workspace: Any, demo: Demo) -> BlockController:
    """Day 2's first (unsigned) joint block, open, with the rest of the intensive read."""
    ws = make_workspace()
    open_block(qtbot, ws, demo.intensive_id, demo.block_id(DAY2))
    return ws


def open_block(qtbot: Any, workspace: BlockController, intensive_id: int, block_id: int) -> None:
    """Open a block and wait until the other blocks' observations (read after its paint) are in."""
    workspace.show_block(intensive_id, block_id)
    qtbot.waitUntil(lambda: workspace.intensive_complete, timeout=5000)


def focus(qtbot: Any, widget: QWidget) -> None:
    """Give keyboard focus to a widget and wait until it has it."""
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)


def log_live(qtbot: Any, workspace: BlockController, key: Any) -> Any:
    """Go live and press a live key on the pad (one observation logged); returns the pad."""
    workspace.set_live(True)
    pad = workspace.view.pad
    qtbot.keyClick(pad, key)
    return pad

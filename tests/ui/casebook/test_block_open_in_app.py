"""Opening blocks and logging keys inside the whole window: only the workspace's own work.

Issue 16: a block opened from the navigator took about 120 ms more than the
same block in the bare workspace, and a key about 25 ms more. These tests
hold the causes found in the main window around the workspace.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt

from crucible.app.services import casebook
from crucible.app.services.notes import load_note
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import press_live_key


class _ShowHideSpy(QObject):
    """Counts the Show and Hide events a widget receives."""

    def __init__(self, watched: QObject) -> None:
        super().__init__()
        self.hides = 0
        self.shows = 0
        watched.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Hide:
            self.hides += 1
        elif event.type() == QEvent.Type.Show:
            self.shows += 1
        return False


def _blocks(desktop: Desktop) -> tuple[int, int, int, int]:
    """The demo intensive's id, its first day's id and two of that day's unsigned blocks."""
    intensive = casebook.load_casebook(desktop.session.vault)[0].intensives[0]
    day = intensive.days[0]
    return intensive.id, day.id, day.blocks[1].id, day.blocks[2].id


def test_from_block_to_block_the_workspace_stays_shown(unlocked: Desktop) -> None:
    """Moving between blocks opens the next one in the shown workspace, and saves the draft.

    Hiding the workspace first and showing it again laid all of it out and
    painted it anew at every open (about 40 ms of CPU on the ten-year
    vault's 1,000-observation block). Leaving the blocks still hides it.
    """
    session = unlocked.session
    _intensive, day, first, second = _blocks(unlocked)
    assert session.workspace.select(("block", first))
    workspace = session.block_workspace
    assert workspace is not None
    assert workspace.isVisible()
    workspace.note.view.editors[0].setPlainText("A draft typed before moving on.")
    spy = _ShowHideSpy(workspace)

    assert session.workspace.select(("block", second))
    assert (spy.hides, spy.shows) == (0, 0)
    assert workspace.isVisible()
    assert workspace.record is not None
    assert workspace.record.block_id == second
    assert load_note(session.vault, first).sections[0].text == "A draft typed before moving on."

    assert session.workspace.select(("day", day))
    assert spy.hides == 1
    assert not workspace.isVisible()


def test_a_block_selected_after_a_day_shows_the_workspace_again(unlocked: Desktop) -> None:
    """Coming back from a day's page, the workspace is shown with the chosen block."""
    session = unlocked.session
    _intensive, day, first, second = _blocks(unlocked)
    assert session.workspace.select(("block", first))
    assert session.workspace.select(("day", day))
    workspace: Any = session.block_workspace
    assert not workspace.isVisible()
    assert session.workspace.select(("block", second))
    assert workspace.isVisible()
    assert workspace.record.block_id == second


def test_a_live_key_looks_its_block_up_in_the_navigator_once(
    qtbot: Any, unlocked: Desktop, monkeypatch: Any
) -> None:
    """The key's new count reaches the navigator row and the record line with one tree walk.

    The selected row is the block itself; looking it up again by key walked
    the tree (every intensive of a ten-year vault) twice more per key.
    """
    session = unlocked.session
    _intensive, _day, first, _second = _blocks(unlocked)
    assert session.workspace.select(("block", first))
    workspace: Any = session.block_workspace
    model = session.workspace.model
    walks: list[object] = []
    walk = model._find_listed

    def counted(key: Any) -> Any:
        walks.append(key)
        return walk(key)

    monkeypatch.setattr(model, "_find_listed", counted)
    before = len(workspace.record)
    workspace.set_live(True)
    press_live_key(qtbot, workspace, Qt.Key.Key_Q)
    workspace.set_live(False)
    assert len(workspace.record) == before + 1
    assert walks == [("block", first)]
    details = session.workspace.view.details
    assert details.block_record.text().endswith(f"{before + 1} observations")
    assert session.workspace.block_of(("block", first)).observation_count == before + 1

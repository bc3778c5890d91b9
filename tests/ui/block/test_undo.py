"""Ctrl+Z and Ctrl+Shift+Z undo and redo logs, edits and deletes, in the vault too."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from crucible.app.services.observations import block_observations
from crucible.app.ui.block import BlockController
from tests.ui.block.conftest import DAY2, Demo, log_live

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _by_id(demo: Demo) -> dict[int | None, Any]:
    return {o.id: o for o in block_observations(demo.vault, demo.block_id(DAY2))}


def test_undo_and_redo_of_a_log(qtbot: Any, workspace: BlockController, demo: Demo) -> None:
    """Undo deletes the logged observation; redo brings it back under the same id."""
    pad = log_live(qtbot, workspace, Qt.Key.Key_L)
    new_id = workspace.observations.last_id
    logged = _by_id(demo)[new_id]
    qtbot.keyClick(pad, Qt.Key.Key_Z, CTRL)
    assert new_id not in _by_id(demo)
    assert workspace.table_model.row_of(new_id) is None
    assert all(new_id != p.observation_id for p in workspace.timeline.series().points["B"])
    qtbot.keyClick(pad, Qt.Key.Key_Z, CTRL_SHIFT)
    assert _by_id(demo)[new_id] == logged
    assert workspace.table_model.row_of(new_id) is not None


def test_undo_and_redo_of_an_edit(qtbot: Any, workspace: BlockController, demo: Demo) -> None:
    """A follow-up key is an edit: undo writes the old value back, redo the new one."""
    pad = log_live(qtbot, workspace, Qt.Key.Key_A)
    new_id = workspace.observations.last_id
    qtbot.keyClick(pad, Qt.Key.Key_5)
    assert _by_id(demo)[new_id].intensity == 5
    qtbot.keyClick(pad, Qt.Key.Key_Z, CTRL)
    assert _by_id(demo)[new_id].intensity == 3
    assert workspace.observations.last() == _by_id(demo)[new_id]
    qtbot.keyClick(pad, Qt.Key.Key_Z, CTRL_SHIFT)
    assert _by_id(demo)[new_id].intensity == 5


def test_undo_of_a_delete_restores_the_same_observation(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Delete removes the selected row from table and vault; undo restores it, same id."""
    before = _by_id(demo)
    target = sorted(before)[3]
    assert workspace.table.select_observation(target)
    qtbot.mouseClick(workspace.view.table.delete, Qt.MouseButton.LeftButton)
    assert target not in _by_id(demo)
    assert workspace.table_model.row_of(target) is None
    workspace.view.undo.click()
    assert _by_id(demo) == before
    assert workspace.table_model.row_of(target) is not None
    workspace.view.redo.click()
    assert target not in _by_id(demo)


def test_undo_history_belongs_to_one_block(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Opening another block starts a fresh undo history (undo never reaches across blocks)."""
    workspace.set_live(True)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    assert workspace.undo_stack.canUndo()
    workspace.show_block(demo.intensive_id, demo.block_id("Closing and plan"))
    assert not workspace.undo_stack.canUndo()

"""The observation table: a sound Qt model, sortable, filterable, edited inline with persistence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QAbstractItemDelegate, QComboBox, QSpinBox

from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from crucible.app.services.observations import block_observations
from crucible.app.ui.block import BlockController
from crucible.app.ui.block.observation_delegates import StrategyEditor
from crucible.app.ui.block.observation_table_model import (
    BOUNDARY,
    ID_ROLE,
    INTENSITY,
    SORT_ROLE,
    STANCE,
    STRATEGIES,
    TIME,
    ObservationTableModel,
)
from tests.ui.block.conftest import DAY2, Demo


def _stored(demo: Demo) -> dict[int | None, Any]:
    return {o.id: o for o in block_observations(demo.vault, demo.block_id(DAY2))}


def test_the_table_model_passes_the_model_tester(
    workspace: BlockController, qtmodeltester: Any
) -> None:
    """The source model and its filter behave as Qt's model tester expects."""
    assert workspace.table_model.rowCount() == 40
    qtmodeltester.check(workspace.table_model)
    qtmodeltester.check(workspace.table.proxy)


def test_the_model_tester_follows_live_changes(
    qtbot: Any, workspace: BlockController, qtmodeltester: Any
) -> None:
    """Rows inserted, moved and removed by logging, editing and undo keep the model sound."""
    qtmodeltester.check(workspace.table_model, force_py=True)
    workspace.set_live(True)
    for key in (Qt.Key.Key_Q, Qt.Key.Key_4, Qt.Key.Key_M, Qt.Key.Key_G):
        qtbot.keyClick(workspace.view.pad, key)
    workspace.undo_stack.undo()
    workspace.undo_stack.undo()
    assert workspace.table_model.rowCount() == 41  # the tester checked every change as it came


def test_an_empty_model_is_sound(qtmodeltester: Any) -> None:
    """No block open: zero rows, still a valid model."""
    qtmodeltester.check(ObservationTableModel())


def test_filters_by_partner_stance_and_strategy(workspace: BlockController, demo: Demo) -> None:
    """Each filter combo keeps exactly the matching observations."""
    stored = list(_stored(demo).values())
    view, proxy = workspace.view.table, workspace.table.proxy
    view.partner_filter.setCurrentIndex(view.partner_filter.findData("B"))
    assert proxy.rowCount() == sum(o.partner is PartnerKey.B for o in stored)
    view.stance_filter.setCurrentIndex(view.stance_filter.findData("one-up"))
    expected = [o for o in stored if o.partner is PartnerKey.B and o.stance is Stance.ONE_UP]
    assert proxy.rowCount() == len(expected)
    view.partner_filter.setCurrentIndex(0)
    view.stance_filter.setCurrentIndex(0)
    view.strategy_filter.setCurrentIndex(view.strategy_filter.findData("withdrawal"))
    assert proxy.rowCount() == sum(Strategy.WITHDRAWAL in o.strategies for o in stored) > 0
    assert f"{proxy.rowCount()} of {len(stored)}" in view.count.text()
    assert view.table.model() is proxy


def test_sorting_by_a_column_uses_its_values(workspace: BlockController) -> None:
    """Sorting by intensity orders numbers, by time orders instants."""
    table, proxy = workspace.view.table.table, workspace.table.proxy
    table.sortByColumn(INTENSITY, Qt.SortOrder.DescendingOrder)
    assert table.model() is proxy
    values = [int(proxy.index(r, INTENSITY).data()) for r in range(proxy.rowCount())]
    assert values == sorted(values, reverse=True)
    table.sortByColumn(TIME, Qt.SortOrder.AscendingOrder)
    times = [proxy.index(r, TIME).data() for r in range(proxy.rowCount())]
    assert times == sorted(times)
    assert table.model() is workspace.table_model  # back to the natural order


def test_inline_edits_persist(workspace: BlockController, demo: Demo) -> None:
    """Stance, boundary, strategies, text and time edited in cells reach the vault."""
    proxy = workspace.table.proxy
    target = workspace.table.proxy.source_id(5)
    row = next(r for r in range(proxy.rowCount()) if proxy.source_id(r) == target)
    assert proxy.setData(proxy.index(row, STANCE), "one-down")
    row = next(r for r in range(proxy.rowCount()) if proxy.source_id(r) == target)
    assert proxy.setData(proxy.index(row, BOUNDARY), "boundaryless")
    assert proxy.setData(proxy.index(row, STRATEGIES), "controlling,retaliation")
    assert proxy.setData(proxy.index(row, STRATEGIES + 2), "You never listen")
    assert proxy.setData(proxy.index(row, TIME), QTime(11, 29, 5))
    stored = _stored(demo)[target]
    assert stored.stance is Stance.ONE_DOWN
    assert stored.boundary is Boundary.BOUNDARYLESS
    assert stored.strategies == (Strategy.CONTROLLING, Strategy.RETALIATION)
    assert stored.quote == "You never listen"
    assert stored.at.time().isoformat() == "11:29:05"
    assert isinstance(stored.at, datetime)
    model = workspace.table_model
    times = [model.observation(r).at for r in range(model.rowCount())]
    assert times == sorted(times)  # the edited row moved to its new time
    assert model.observation(model.row_of(target) or 0).id == target
    assert not proxy.setData(proxy.index(row, INTENSITY), 9)  # out of range: refused


def test_cell_editors_write_through_the_delegates(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """The spin box, the stance combo and the strategy checks edit a real cell."""
    table = workspace.view.table.table
    shown = table.model()
    assert shown is workspace.table_model  # natural order: the view shows the source itself
    target = shown.index(0, 0).data(ID_ROLE)
    table.setFocus()
    for column, widget_type in ((INTENSITY, QSpinBox), (STANCE, QComboBox)):
        index = shown.index(0, column)
        table.setCurrentIndex(index)
        table.edit(index)
        editor = table.findChild(widget_type)
        assert editor is not None
        assert editor.accessibleName()
        if isinstance(editor, QSpinBox):
            editor.setValue(1)
        else:
            editor.setCurrentIndex(editor.findData("one-up"))
        table.commitData(editor)
        table.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
    index = shown.index(0, STRATEGIES)
    table.edit(index)
    strategies = table.findChild(StrategyEditor)
    strategies.boxes[Strategy.WITHDRAWAL].setChecked(True)
    table.commitData(strategies)
    table.closeEditor(strategies, QAbstractItemDelegate.EndEditHint.NoHint)
    stored = _stored(demo)[target]
    assert stored.intensity == 1
    assert stored.stance is Stance.ONE_UP
    assert Strategy.WITHDRAWAL in stored.strategies


def test_a_painted_cell_gets_every_role_in_one_call_with_the_same_answers(
    qtbot: Any, workspace: BlockController, monkeypatch: Any
) -> None:
    """The table's repaint asks `multiData` once per cell, never `data`; both answer alike."""
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan

    model = workspace.table_model
    roles = [Qt.ItemDataRole(r) for r in range(0, 14)] + [ID_ROLE, SORT_ROLE]
    for column in range(model.columnCount()):
        index = model.index(3, column)
        for role in roles:
            asked = QModelRoleData(int(getattr(role, "value", role)))
            model.multiData(index, QModelRoleDataSpan(asked))
            assert asked.data() == model.data(index, role), (column, role)
    calls = {"data": 0, "multiData": 0}
    for name in calls:
        original = getattr(model, name)

        def counted(*args: Any, _name: str = name, _original: Any = original) -> Any:
            calls[_name] += 1
            return _original(*args)

        monkeypatch.setattr(model, name, counted)
    table = workspace.view.table.table
    qtbot.waitUntil(lambda: table.isVisible())
    table.viewport().repaint()
    assert calls["multiData"] > 0
    assert calls["data"] == 0

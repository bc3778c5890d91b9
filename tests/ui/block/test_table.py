"""The observation table: a sound Qt model, sortable, filterable, edited inline with persistence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemDelegate, QComboBox, QSpinBox

from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from crucible.app.services.observations import block_observations
from crucible.app.ui.block import BlockController
from crucible.app.ui.block.observation_delegates import StrategyEditor
from crucible.app.ui.block.observation_table_model import (
    BOUNDARY,
    COLUMNS,
    ID_ROLE,
    INTENSITY,
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
    proxy = workspace.view.table.table.model()  # what the table shows: the model itself

    def row_of(observation_id: int) -> int:
        ids = [proxy.index(r, 0).data(ID_ROLE) for r in range(proxy.rowCount())]
        return ids.index(observation_id)

    target = proxy.index(5, 0).data(ID_ROLE)
    row = row_of(target)
    assert proxy.setData(proxy.index(row, STANCE), "one-down")
    row = row_of(target)
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


def test_only_the_partner_column_is_painted_in_the_partners_colour(
    qtbot: Any, workspace: BlockController
) -> None:
    """The partner's colour marks the partner's name and nothing else in the row.

    A Python `multiData` once left the colour it set for the partner cell in
    Qt's reused role buffer, and every cell painted after it came out in that
    colour; this reads the painted pixels, not the model's answers.
    """
    table = workspace.view.table.table
    qtbot.waitUntil(table.isVisible)
    model = table.model()
    row = 3
    colour = model.index(row, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(colour, QColor)
    image = table.viewport().grab().toImage()
    ratio = image.devicePixelRatio()

    def coloured_pixels(column: int) -> int:
        rect = table.visualRect(model.index(row, column))
        found = 0
        for y in range(int(rect.top() * ratio), int(rect.bottom() * ratio)):
            for x in range(int(rect.left() * ratio), int(rect.right() * ratio)):
                pixel = image.pixelColor(x, y)
                if (
                    abs(pixel.red() - colour.red())
                    + abs(pixel.green() - colour.green())
                    + abs(pixel.blue() - colour.blue())
                    < 40
                ):
                    found += 1
        return found

    assert coloured_pixels(1) > 20  # the partner's name
    for column in (0, 2, 3):  # time, stance, intensity: always filled in
        assert model.index(row, column).data(Qt.ItemDataRole.ForegroundRole) is None
        assert coloured_pixels(column) == 0, COLUMNS[column]


def test_opening_a_block_runs_no_filter_over_its_rows(
    qtbot: Any, workspace: BlockController, demo: Demo, monkeypatch: Any
) -> None:
    """Unfiltered, the proxy is let go: a block opens without a Python call per row to filter it.

    Then a filter still narrows the rows, and clearing it shows every row again.
    """
    calls: list[int] = []
    proxy = workspace.table.proxy
    original = proxy.filterAcceptsRow

    def counted(row: int, parent: Any) -> bool:
        calls.append(row)
        return original(row, parent)

    monkeypatch.setattr(proxy, "filterAcceptsRow", counted)
    other = demo.block_id("Joint: repair practice")
    workspace.show_block(demo.intensive_id, other)
    assert workspace.table_model.rowCount() > 30
    assert calls == []

    stance = workspace.view.table.stance_filter
    stance.setCurrentIndex(stance.findData(Stance.ONE_UP.value))
    shown = workspace.view.table.table.model()
    assert shown is proxy
    assert 0 < shown.rowCount() < workspace.table_model.rowCount()
    assert all(shown.index(r, STANCE).data() == "One-up" for r in range(shown.rowCount()))
    assert workspace.view.table.count.text().startswith(f"{shown.rowCount()} of ")
    stance.setCurrentIndex(0)
    assert workspace.view.table.table.model() is workspace.table_model
    assert workspace.view.table.count.text() == f"{workspace.table_model.rowCount()} observations"

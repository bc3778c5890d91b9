"""A session that does not run on schedule, in the app: the run is recorded, the date is asked."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QMessageBox

from crucible.app.domain.intensive import Block
from crucible.app.domain.vocabulary import PartnerKey
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.services.observations import block_observations
from crucible.app.ui.block import BlockController
from crucible.app.ui.block.timeline_data import lane_y
from tests.conftest import FakeClock
from tests.ui.block.conftest import DAY2, EST, Demo

CLOSING = "Closing and plan"  # Day 2's last block, planned 14:45-16:00
B = PartnerKey.B


def _tuesday(hour: int, minute: int, days: int = 0) -> datetime:
    """Day 2 of the demo is Tuesday 3 November 2026."""
    return datetime(2026, 11, 3, hour, minute, tzinfo=EST) + timedelta(days=days)


def _stored(demo: Demo, title: str = DAY2) -> Block:
    block_id = demo.block_id(title)
    for day in get_intensive(demo.vault, demo.intensive_id).days:
        for block in day.blocks:
            if block.id == block_id:
                return block
    raise LookupError(title)


def _count(demo: Demo, title: str = DAY2) -> int:
    return len(block_observations(demo.vault, demo.block_id(title)))


def test_live_on_at_09_20_records_the_actual_start(
    workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """Going live at 09:20 records 09:20; going live again at 10:00 keeps it."""
    session_clock.now = _tuesday(9, 20)
    workspace.set_live(True)
    assert _stored(demo).actual_start == _tuesday(9, 20)
    assert workspace.record is not None
    assert workspace.record.block().actual_start == _tuesday(9, 20)
    workspace.set_live(False)
    session_clock.now = _tuesday(10, 0)
    workspace.set_live(True)
    assert _stored(demo).actual_start == _tuesday(9, 20)


def test_logging_at_11_50_extends_the_end_and_the_shading(
    qtbot: Any, workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """An observation at 11:50 (planned end 11:30) extends the run; the shaded span follows it."""
    session_clock.now = _tuesday(9, 20)
    workspace.set_live(True)
    session_clock.now = _tuesday(11, 50)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    assert _stored(demo).actual_end == _tuesday(11, 50)
    series = workspace.timeline.series()
    assert series.current_block[1] == _tuesday(11, 50)
    assert series.planned_block == (_tuesday(9, 0), _tuesday(11, 30))


def test_live_off_ends_the_run_but_a_look_later_does_not(
    workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """Live 09:20-11:55 ends the run at 11:55; a look at 15:00 (live, nothing logged) does not."""
    session_clock.now = _tuesday(9, 20)
    workspace.set_live(True)
    session_clock.now = _tuesday(11, 55)
    workspace.set_live(False)
    assert (_stored(demo).actual_start, _stored(demo).actual_end) == (
        _tuesday(9, 20),
        _tuesday(11, 55),
    )
    session_clock.now = _tuesday(15, 0)
    workspace.set_live(True)
    workspace.set_live(False)
    assert _stored(demo).actual_end == _tuesday(11, 55)


def test_the_block_clock_starts_and_ends_the_run(
    workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """Start clock at 09:25 records the start; Stop clock at 11:40 the end."""
    session_clock.now = _tuesday(9, 25)
    workspace.view.clock_button.click()
    assert _stored(demo).actual_start == _tuesday(9, 25)
    session_clock.now = _tuesday(11, 40)
    workspace.view.clock_button.click()
    assert _stored(demo).actual_end == _tuesday(11, 40)


def test_an_overrun_past_the_days_end_is_drawn(
    qtbot: Any, make_workspace: Any, demo: Demo, session_clock: FakeClock
) -> None:
    """Logging at 16:20 in the day's last block (planned to 16:00) widens the axis to show it."""
    workspace = make_workspace()
    workspace.show_block(demo.intensive_id, demo.block_id(CLOSING))
    session_clock.now = _tuesday(14, 45)
    workspace.set_live(True)
    session_clock.now = _tuesday(16, 20)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_P)
    timeline = workspace.timeline
    point = next(
        p
        for lane in timeline.series().points.values()
        for p in lane
        if p.observation_id == workspace.observations.last_id
    )
    assert point.at == _tuesday(16, 20)
    x = timeline.axis.x(point.at, point.day)
    assert 0 <= x <= timeline.axis.length
    day2 = next(d for d in timeline.series().days if d.number == 2)
    assert day2.end >= _tuesday(16, 20)
    # Drawn where a click finds it: the click selects it in the table.
    plot = workspace.view.timeline.plot
    qtbot.waitUntil(lambda: plot.isVisible() and plot.width() > 100)
    scene = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, lane_y(B, point.stance)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene))
    assert workspace.table.selected_id() == point.observation_id


def _question(workspace: BlockController) -> QMessageBox:
    box = workspace.run.question
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    return box


def _key_on_wednesday(
    qtbot: Any, workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> tuple[int, QMessageBox]:
    """Live at Wednesday 09:10 in Tuesday's block, press Q: the date question opens.

    Returns the block's observation count before the key, and the question.
    """
    session_clock.now = _tuesday(9, 10, days=1)
    workspace.set_live(True)
    assert _stored(demo).actual_start is None  # not Tuesday: going live records nothing yet
    count = _count(demo)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    return count, _question(workspace)


def test_logging_on_the_next_day_asks_once(
    qtbot: Any, workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """Wednesday 09:10 in Tuesday's block: asked; Yes logs at the key's time and moves the run.

    The next key logs without a question.
    """
    count, box = _key_on_wednesday(qtbot, workspace, demo, session_clock)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    assert "Tue 3 Nov" in box.text()
    assert _count(demo) == count  # nothing logged while the question is open
    session_clock.advance(20)
    box.button(QMessageBox.StandardButton.Yes).click()
    logged = block_observations(demo.vault, demo.block_id(DAY2))
    assert len(logged) == count + 1
    assert max(o.at for o in logged) == _tuesday(9, 10, days=1)
    stored = _stored(demo)
    assert (stored.actual_start, stored.actual_end) == (_tuesday(9, 10, 1), _tuesday(9, 10, 1))
    session_clock.advance(40)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_M)
    assert workspace.run.question is None
    assert _count(demo) == count + 2
    assert _stored(demo).actual_end == _tuesday(9, 11, days=1)


def test_answering_no_logs_nothing(
    qtbot: Any, workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """No: nothing is logged, the run is untouched, and the pad says why."""
    count, box = _key_on_wednesday(qtbot, workspace, demo, session_clock)
    box.button(QMessageBox.StandardButton.No).click()
    assert _count(demo) == count
    stored = _stored(demo)
    assert (stored.actual_start, stored.actual_end) == (None, None)
    assert "Not logged" in workspace.view.pad.message.text()
    assert workspace.run.question is None


def test_locking_closes_the_question(
    qtbot: Any, workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """A lock with the question open closes it and logs nothing."""
    count, box = _key_on_wednesday(qtbot, workspace, demo, session_clock)
    workspace.clear()
    assert workspace.run.question is None
    assert not box.isVisible()
    assert _count(demo) == count

"""The timeline's data: grows as observations are logged, flags the analytics' flips, marks days."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor

from crucible.app.domain.flips import find_flips
from crucible.app.domain.timeline import timeline_series
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.ui.block import BlockController
from crucible.app.ui.block.timeline_data import lane_y
from tests.conftest import FakeClock
from tests.ui.block.conftest import DAY2, Demo, open_block


def _flip_ids(demo: Demo, window: int) -> set[int | None]:
    intensive = get_intensive(demo.vault, demo.intensive_id)
    return {
        flip.after.id
        for day in intensive.days
        for block in day.blocks
        for flip in find_flips(block, window)
    }


def test_the_timeline_starts_as_the_domain_series(workspace: BlockController, demo: Demo) -> None:
    """On opening, the points are the domain's timeline series of the stored intensive."""
    series = workspace.timeline.series()
    expected = timeline_series(get_intensive(demo.vault, demo.intensive_id))
    assert series.points == expected.points
    assert series.day_breaks == expected.day_breaks
    assert len(series.day_breaks) == 1


def test_the_timeline_grows_with_each_observation(
    qtbot: Any, workspace: BlockController, session_clock: FakeClock
) -> None:
    """Each logged observation is a new point at once, in its partner's lane, with its id."""
    workspace.set_live(True)
    for key, partner in ((Qt.Key.Key_Q, PartnerKey.A), (Qt.Key.Key_M, PartnerKey.B)) * 3:
        before = len(workspace.timeline.series().points[partner])
        session_clock.advance(30)
        qtbot.keyClick(workspace.view.pad, key)
        points = workspace.timeline.series().points[partner]
        assert len(points) == before + 1
        new = [p for p in points if p.observation_id == workspace.observations.last_id]
        assert len(new) == 1
        assert new[0].at == session_clock()


def test_flips_are_the_ones_the_analytics_count(
    qtbot: Any, workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """After a one-down then one-up within the window, the flagged points are find_flips' afters."""
    workspace.set_live(True)
    pad = workspace.view.pad
    session_clock.advance(600)
    qtbot.keyClick(pad, Qt.Key.Key_Z)
    session_clock.advance(20)
    qtbot.keyClick(pad, Qt.Key.Key_Q)
    flip_id = workspace.observations.last_id
    series = workspace.timeline.series()
    flagged = {p.observation_id for pts in series.points.values() for p in pts if p.is_flip}
    assert flip_id in flagged
    assert flagged == _flip_ids(demo, workspace.flip_window_s)
    assert series.flips() == len(flagged)


def test_the_open_block_is_shaded(workspace: BlockController, demo: Demo) -> None:
    """The shaded span is the open block's start and end."""
    block = next(b for d in demo.intensive.days for b in d.blocks if b.title == DAY2)
    assert workspace.timeline.series().current_block == (block.start, block.end)
    assert workspace.timeline.current_day == 2


def test_clicking_a_point_selects_it_in_the_table(qtbot: Any, workspace: BlockController) -> None:
    """A click on a point in the chart selects that observation in the table."""
    point = workspace.timeline.current_points(PartnerKey.B)[4]
    plot = workspace.view.timeline.plot
    qtbot.waitUntil(lambda: plot.isVisible() and plot.width() > 100)
    x = workspace.timeline.axis.x(point.at, point.day)
    y = lane_y(PartnerKey.B, point.stance)
    scene = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene))
    assert workspace.table.selected_id() == point.observation_id


def test_pyqtgraph_loads_only_when_the_workspace_is_shown() -> None:
    """Building the workspace does not import pyqtgraph; showing it does."""
    script = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication; app = QApplication([])\n"
        "from crucible.app.ui.block import BlockServices, BlockController\n"
        "from crucible.app.ui.kit.background import BackgroundWork\n"
        "w = BlockController(BlockServices(None, signer='x'), background=BackgroundWork())\n"
        "print('pyqtgraph' in sys.modules)\n"
        "w.show(); app.processEvents()\n"
        "print('pyqtgraph' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["False", "True"]


def test_lanes_put_a_above_b_with_one_up_on_top() -> None:
    """Stance is the vertical axis inside each partner's lane."""
    a = [lane_y(PartnerKey.A, s) for s in (Stance.ONE_UP, Stance.SAME_AS, Stance.ONE_DOWN)]
    b = [lane_y(PartnerKey.B, s) for s in (Stance.ONE_UP, Stance.SAME_AS, Stance.ONE_DOWN)]
    assert a == sorted(a, reverse=True)
    assert b == sorted(b, reverse=True)
    assert min(a) > max(b)


def test_opening_blocks_of_one_couple_renders_no_new_symbols(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """pyqtgraph renders a symbol per pen and brush object: the same colours keep the same ones."""
    chart = workspace.view.timeline
    lanes = [*chart._others.values(), *(chart._dynamic[f"points-tail-{k}"] for k in PartnerKey)]
    qtbot.waitUntil(lambda: all(len(lane.fragmentAtlas) for lane in lanes), timeout=5000)
    rendered = [len(lane.fragmentAtlas) for lane in lanes]
    for title in ("Joint: repair practice", DAY2, "Closing and plan"):
        open_block(qtbot, workspace, demo.intensive_id, demo.block_id(title))
        workspace.view.timeline.repaint()
    assert [len(lane.fragmentAtlas) for lane in lanes] == rendered


def _day_labels(workspace: BlockController) -> list[str]:
    chart = workspace.view.timeline
    return [item.textItem.toPlainText() for item in chart._static if hasattr(item, "textItem")]


def test_day_marks_are_kept_from_block_to_block_and_follow_the_theme(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """The same days keep the same marks; a new theme makes them again; locking empties them."""
    qtbot.waitUntil(lambda: workspace.intensive_complete, timeout=5000)
    chart = workspace.view.timeline
    assert _day_labels(workspace) == ["Day 1", "Day 2"]
    lines = [item for item in chart._static if not hasattr(item, "textItem")]
    assert len(lines) == 1  # the break before day 2
    drawn = list(chart._static)
    open_block(qtbot, workspace, demo.intensive_id, demo.block_id("Joint: repair practice"))
    qtbot.waitUntil(lambda: workspace.intensive_complete, timeout=5000)
    assert chart._static == drawn  # the very same items
    assert all(item.scene() is chart.plot.scene() for item in drawn)
    palette = chart.palette()
    palette.setColor(palette.ColorRole.WindowText, QColor("#123456"))
    chart.setPalette(palette)
    assert _day_labels(workspace) == ["Day 1", "Day 2"]
    assert not any(item in drawn for item in chart._static)
    assert all(item.scene() is None for item in drawn)  # the old ones are gone from the chart
    workspace.clear()
    assert chart._static == []


def test_hour_labels_are_set_again_only_when_they_change(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Another block of the same intensive keeps the axis's labels; locking empties them."""
    for title in ("Joint: repair practice", DAY2):  # the chart at its laid-out width
        open_block(qtbot, workspace, demo.intensive_id, demo.block_id(title))
        qtbot.waitUntil(lambda: workspace.intensive_complete, timeout=5000)
    axis = workspace.view.timeline.plot.getPlotItem().getAxis("bottom")
    labelled = axis._tickLevels
    assert len(labelled[0]) > 2  # the hours of both days
    set_to: list[Any] = []
    original = axis.setTicks
    axis.setTicks = lambda ticks: (set_to.append(ticks), original(ticks))  # a spy, still setting
    for title in ("Joint: repair practice", DAY2):
        open_block(qtbot, workspace, demo.intensive_id, demo.block_id(title))
        qtbot.waitUntil(lambda: workspace.intensive_complete, timeout=5000)
    assert set_to == []
    assert axis._tickLevels == labelled
    workspace.clear()
    assert set_to == [[[], []]]


def _placed_fresh(workspace: BlockController, key: PartnerKey) -> list[float]:
    """The step line's x values, each span placed on its own (what the chart may not shortcut)."""
    timeline = workspace.timeline
    xs: list[float] = []
    previous = None
    for span in timeline.current_spans(key):
        if previous is not None and span.start != previous:
            xs.append(math.nan)
        xs += [timeline.axis.x(span.start, timeline.current_day)]
        xs += [timeline.axis.x(span.end, timeline.current_day)]
        previous = span.end
    return xs


def test_the_step_line_places_every_span_where_the_axis_puts_it(
    qtbot: Any, workspace: BlockController, session_clock: FakeClock
) -> None:
    """A span starting where the last ended reuses that x: the line is the same as placed anew."""
    chart = workspace.view.timeline
    assert workspace.record is not None
    session_clock.now = workspace.record.at(len(workspace.record) - 1).at
    workspace.set_live(True)
    for n in range(6):
        for key in PartnerKey:
            drawn = chart._steps[key][1]
            fresh = _placed_fresh(workspace, key)
            assert len(drawn) == len(fresh) > 2
            assert all(
                (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)
                for a, b in zip(drawn, fresh, strict=True)
            )
        session_clock.advance(30)
        qtbot.keyClick(workspace.view.pad, (Qt.Key.Key_Q, Qt.Key.Key_L, Qt.Key.Key_A)[n % 3])

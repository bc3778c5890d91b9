"""Issue 19: a live key does constant work, and opening a block reads only that block first.

A key inserts one row into the table model (rowsInserted, never modelReset)
and adds one point to its partner's lane of the timeline (the other blocks'
points and the lane's earlier points are kept as they are, the chart adds one
point and clears nothing). Opening a block reads its own observations only;
the other blocks' are read after the first paint, off the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt

from crucible.app.domain.foreground import WINDOW_S, Foreground
from crucible.app.domain.vocabulary import PartnerKey
from crucible.app.services import observations as observation_service
from crucible.app.services.errors import NotFoundError
from crucible.app.store import intensives as intensive_store
from crucible.app.ui.block import BlockController, timeline_view
from crucible.app.ui.block.timeline_view import TAIL_LIMIT
from tests.conftest import FakeClock
from tests.ui.block.conftest import DAY2, Demo


def _counting(counts: dict[str, int], name: str, call: Callable[..., Any]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        counts[name] = counts.get(name, 0) + 1
        return call(*args, **kwargs)

    return counted


def test_a_key_inserts_one_row_and_one_point_without_a_reset(
    qtbot: Any, workspace: BlockController, session_clock: FakeClock
) -> None:
    assert workspace.record is not None
    latest = workspace.record.at(len(workspace.record) - 1).at
    session_clock.now = latest + timedelta(minutes=1)  # live: each key is the block's newest
    workspace.set_live(True)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    model, timeline, chart = workspace.table_model, workspace.timeline, workspace.view.timeline
    counts: dict[str, int] = {}
    inserted: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: counts.__setitem__("reset", counts.get("reset", 0) + 1))
    model.layoutChanged.connect(lambda: counts.__setitem__("layout", 1))
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    lane = chart._dynamic[f"points-{PartnerKey.B}"]
    lane.addPoints = _counting(counts, "lane's points added", lane.addPoints)
    lane.clear = _counting(counts, "lane cleared", lane.clear)
    tail = chart._dynamic[f"points-tail-{PartnerKey.B}"]
    tail.addPoints = _counting(counts, "points added", tail.addPoints)
    tail.clear = _counting(counts, "tail cleared", tail.clear)
    steps = chart._dynamic[f"steps-{PartnerKey.B}"]
    steps.setData = _counting(counts, "lane's step line redrawn", steps.setData)
    chart.redraw_all = _counting(counts, "chart redrawn", chart.redraw_all)
    others = timeline.other_points(PartnerKey.B)
    shown = timeline.current_points(PartnerKey.B)
    axis = timeline.axis_version
    rows = model.rowCount()

    session_clock.advance(20)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_M)

    # No reset, no layout change; the point goes into the lane's tail, and the lane's own
    # points and step line (hundreds of them, drawn again whole if touched) are left alone.
    assert counts == {"points added": 1}
    assert inserted == [(rows, rows)]
    assert model.rowCount() == rows + 1
    now = timeline.current_points(PartnerKey.B)
    assert len(now) == len(shown) + 1
    assert all(a is b for a, b in zip(now, shown, strict=False))  # the earlier points kept
    assert now[-1].observation_id == workspace.observations.last_id
    assert timeline.other_points(PartnerKey.B) == others
    assert timeline.axis_version == axis


class _Reads(QObject):
    """Records, in order, which blocks' observations are read and when the table first paints."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, viewport: QObject) -> None:
        super().__init__()
        self.events: list[tuple[str, frozenset[int]]] = []
        read = intensive_store.observations_by_block

        def recorded(session: Any, block_ids: list[int]) -> Any:
            self.events.append(("read", frozenset(block_ids)))
            return read(session, block_ids)

        monkeypatch.setattr(intensive_store, "observations_by_block", recorded)
        monkeypatch.setattr(observation_service, "observations_by_block", recorded)
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and ("paint", frozenset()) not in self.events:
            self.events.append(("paint", frozenset()))
        return False

    def before_first_paint(self) -> set[int]:
        ids: set[int] = set()
        for kind, blocks in self.events:
            if kind == "paint":
                return ids
            ids |= blocks
        raise AssertionError("the table was never painted")

    def all_read(self) -> set[int]:
        return {block for _kind, blocks in self.events for block in blocks}


def test_opening_a_block_reads_no_other_block_before_its_first_paint(
    qtbot: Any, make_workspace: Any, demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace()
    reads = _Reads(monkeypatch, workspace.view.table.table.viewport())
    block_id = demo.block_id(DAY2)
    every = {b.id for d in demo.intensive.days for b in d.blocks}

    workspace.show_block(demo.intensive_id, block_id)
    assert not workspace.intensive_complete
    qtbot.waitUntil(lambda: workspace.intensive_complete, timeout=5000)

    assert reads.before_first_paint() == {block_id}
    assert reads.all_read() == every  # the rest came after the paint
    assert workspace.record is not None
    assert len(workspace.record.all_blocks()) == len(every)
    assert sum(len(b.observations) for b in workspace.record.all_blocks()) == sum(
        len(b.observations) for d in demo.intensive.days for b in d.blocks
    )
    qtbot.waitUntil(lambda: not workspace.view.timeline.others_pending, timeout=5000)
    drawn = list(workspace.view.timeline._others.values())
    shown = sorted(sorted(int(i) for i in item.data["data"]) for item in drawn)
    expected = [workspace.timeline.other_points(key) for key in PartnerKey]
    assert shown == sorted(sorted(p.observation_id or 0 for p in pts) for pts in expected)


def test_the_rest_failing_to_read_is_said_on_the_pad(
    qtbot: Any, make_workspace: Any, demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace()

    def broken(_block_ids: list[int]) -> Any:
        raise NotFoundError("There is no such block in this vault.")

    monkeypatch.setattr(workspace.services, "observations_of", broken)
    with qtbot.waitSignal(workspace.block_opened, timeout=5000):
        workspace.show_block(demo.intensive_id, demo.block_id(DAY2))
    message = workspace.view.pad.message
    assert message.isVisibleTo(workspace)
    assert message.text().startswith("The other blocks of this intensive could not be read.")
    assert not workspace.intensive_complete
    assert workspace.table_model.rowCount() > 0  # the open block itself is there


def test_the_lane_tail_folds_and_the_chart_still_shows_every_point(
    qtbot: Any, workspace: BlockController, session_clock: FakeClock
) -> None:
    """Past TAIL_LIMIT keys the tail folds into its lane: the lane and tail together show all."""
    assert workspace.record is not None
    session_clock.now = workspace.record.at(len(workspace.record) - 1).at + timedelta(minutes=1)
    workspace.set_live(True)
    chart = workspace.view.timeline
    for n in range(2 * TAIL_LIMIT + 5):
        session_clock.advance(7)
        qtbot.keyClick(workspace.view.pad, (Qt.Key.Key_Q, Qt.Key.Key_P)[n % 2])  # A, then B
    for key in PartnerKey:
        lane, tail = chart._dynamic[f"points-{key}"], chart._dynamic[f"points-tail-{key}"]
        drawn = [p.data() for item in (lane, tail) for p in item.points()]
        wanted = [p.observation_id for p in workspace.timeline.current_points(key)]
        assert sorted(drawn) == sorted(wanted)
        assert len(drawn) == len(set(drawn))  # none drawn twice
        assert 0 < len(tail.points()) <= TAIL_LIMIT
        steps, steps_tail = chart._dynamic[f"steps-{key}"], chart._dynamic[f"steps-tail-{key}"]
        settled_x, _ = steps.getData()
        tail_x, _ = steps_tail.getData()
        assert len(settled_x) > 0  # folded at least once
        assert tail_x[0] == settled_x[-1]  # the step line runs on without a gap
        end = workspace.timeline.current_spans(key)[-1].end
        assert tail_x[-1] == workspace.timeline.axis.x(end, workspace.timeline.current_day)


def test_opening_a_block_reads_its_own_note_and_no_other(
    qtbot: Any, make_workspace: Any, demo: Demo
) -> None:
    """The outline carries no note; the editor shows the open block's, read on its own."""
    from crucible.app.domain.intensive import BlockNote
    from crucible.app.services.notes import load_note

    workspace = make_workspace()
    block_id = demo.block_id(DAY2)
    workspace.show_block(demo.intensive_id, block_id)
    assert workspace.record is not None
    outline = workspace.record.intensive
    assert all(b.note == BlockNote() for d in outline.days for b in d.blocks)
    stored = load_note(demo.vault, block_id)
    shown = [section.text for section in workspace.note.sections()]
    assert any(s.text for s in stored.sections)
    assert [s.text for s in stored.sections] == shown[: len(stored.sections)]


def test_the_shading_moves_only_when_the_block_end_moves_a_pixel(
    qtbot: Any, workspace: BlockController, session_clock: FakeClock
) -> None:
    """A key seconds later leaves the shaded span as drawn; one half an hour later moves it."""
    assert workspace.record is not None
    session_clock.now = workspace.record.at(len(workspace.record) - 1).at + timedelta(minutes=1)
    workspace.set_live(True)
    chart = workspace.view.timeline
    qtbot.waitUntil(lambda: chart.plot.isVisible() and chart.plot.width() > 100)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    region = chart._dynamic["region"]
    counts: dict[str, int] = {}
    region.setRegion = _counting(counts, "moved", region.setRegion)
    session_clock.advance(2)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_P)
    assert counts == {}  # two seconds: a fraction of a pixel
    session_clock.advance(30 * 60)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    assert counts == {"moved": 1}
    start, end = workspace.timeline.current_span()
    axis, day = workspace.timeline.axis, workspace.timeline.current_day
    assert region.getRegion() == (axis.x(start, day), axis.x(end, day))


def test_the_rest_of_the_intensive_waits_for_the_ui_to_finish_the_open(
    qtbot: Any, make_workspace: Any, demo: Demo
) -> None:
    """Decision 0032: read after the first paint, but only once the UI had its moment alone."""
    now = [100.0]
    slept: list[tuple[float, bool]] = []

    def sleep(seconds: float) -> None:
        slept.append((seconds, threading.current_thread() is threading.main_thread()))
        now[0] += seconds

    demo.vault.foreground = Foreground(clock=lambda: now[0], sleep=sleep)
    workspace = make_workspace()
    workspace.show_block(demo.intensive_id, demo.block_id(DAY2))
    qtbot.waitUntil(lambda: workspace.intensive_complete, timeout=5000)
    # The read, on the worker, slept through the whole window the open marked.
    assert [(round(s, 6), on_ui) for s, on_ui in slept] == [(WINDOW_S, False)]


def test_the_other_blocks_points_are_added_a_batch_per_turn(
    qtbot: Any, make_workspace: Any, demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rest's points reach the chart in batches after it arrives, never all in one turn."""
    monkeypatch.setattr(timeline_view, "OTHERS_PER_TURN", 7)
    workspace = make_workspace()
    chart = workspace.view.timeline
    added: list[int] = []
    for scatter in chart._others.values():
        original = scatter.addPoints
        monkeypatch.setattr(
            scatter,
            "addPoints",
            lambda *a, _add=original, **k: (added.append(len(k["x"])), _add(*a, **k)),
        )
    on_arrival: list[int] = []
    workspace.intensive_loaded.connect(
        lambda: on_arrival.append(sum(len(s.points()) for s in chart._others.values()))
    )
    workspace.show_block(demo.intensive_id, demo.block_id(DAY2))
    qtbot.waitUntil(lambda: workspace.intensive_complete, timeout=5000)
    qtbot.waitUntil(lambda: not chart.others_pending, timeout=5000)
    expected = sum(len(workspace.timeline.other_points(key)) for key in PartnerKey)
    assert expected > 20
    assert on_arrival == [0]  # nothing added in the turn the rest arrived
    assert max(added) <= 7
    assert sum(added) == expected == sum(len(s.points()) for s in chart._others.values())

"""Hour labels on the timeline never run into each other, however narrow the chart."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QFontMetrics

from crucible.app.ui.block import BlockController
from crucible.app.ui.block.timeline_data import spaced_ticks
from crucible.app.ui.block.timeline_view import TICK_LABEL_PX


@given(
    xs=st.lists(st.floats(min_value=0, max_value=30), max_size=40).map(sorted),
    gap=st.floats(min_value=0.1, max_value=5),
)
def test_labelled_ticks_are_a_gap_apart_and_the_first_is_kept(xs: list[float], gap: float) -> None:
    ticks = [(x, f"{n}:00") for n, x in enumerate(xs)]
    kept = spaced_ticks(ticks, gap)
    assert kept[:1] == ticks[:1]
    assert all(tick in ticks for tick in kept)
    assert all(b[0] - a[0] >= gap for a, b in itertools.pairwise(kept))
    # nothing dropped that had room: each dropped tick is too close to the last kept before it
    for tick in ticks:
        if tick not in kept:
            before = [k for k in kept if k[0] <= tick[0]]
            assert before
            assert tick[0] - before[-1][0] < gap


def test_the_two_days_labels_do_not_overlap_at_a_laptops_width(
    qtbot: Any, workspace: BlockController
) -> None:
    """At the chart's width on a 1366x768 screen, and narrower, labels stay apart."""
    view = workspace.view
    view.resize(1366, 700)
    view.show()
    timeline = view.timeline
    timeline.ensure_plot()
    axis_item = timeline.plot.getPlotItem().getAxis("bottom")
    widest = QFontMetrics(axis_item.style.get("tickFont") or timeline.font()).horizontalAdvance(
        "23:00"
    )
    assert widest + 4 <= TICK_LABEL_PX
    for width in (620, 480, 320):
        timeline.resize(width, timeline.height())
        qtbot.wait(20)
        box = timeline.plot.getPlotItem().getViewBox()
        low, high = box.viewRange()[0]
        per_hour = box.width() / (high - low)
        labelled = [x for x, _text in axis_item._tickLevels[0]]
        assert len(labelled) >= 2, width
        gaps = [(b - a) * per_hour for a, b in itertools.pairwise(labelled)]
        assert min(gaps) >= widest + 4, (width, min(gaps))

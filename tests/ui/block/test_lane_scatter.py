"""The chart's lanes find their point pictures once per size, and draw what pyqtgraph draws."""

from __future__ import annotations

import random
from typing import Any

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from crucible.app.ui.block.lane_scatter import LaneScatter

SIZES = [7.0, 9.0, 11.0, 13.0, 15.0]


def _points(count: int) -> dict[str, list[Any]]:
    rng = random.Random(19)
    return {
        "x": [i / 100 for i in range(count)],
        "y": [rng.choice((0.0, 1.0, 2.0)) for _ in range(count)],
        "size": [rng.choice(SIZES) for _ in range(count)],
        "data": list(range(count)),
    }


def _drawn(qtbot: QtBot, kind: type[Any], points: dict[str, list[Any]], **style: Any) -> QImage:
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    plot.resize(400, 200)
    plot.setXRange(0, 10, padding=0)
    plot.setYRange(-1, 3, padding=0)
    scatter = kind(pxMode=True, hoverable=False, **style)
    scatter.addPoints(**points)
    plot.addItem(scatter)
    return plot.grab().toImage()


STYLES = {
    "lane": {"pen": pg.mkPen(QColor("#205080"), width=1), "brush": pg.mkBrush(60, 120, 200, 150)},
    "flips": {"symbol": "o", "pen": pg.mkPen("#e0218a", width=2.5), "brush": None},
}


@pytest.mark.parametrize("style", STYLES.values(), ids=STYLES.keys())
def test_a_lane_draws_the_same_pixels_as_pyqtgraph(qtbot: QtBot, style: dict[str, Any]) -> None:
    """Same points, same style: the picture is pyqtgraph's own, pixel for pixel."""
    points = _points(1000)
    assert _drawn(qtbot, LaneScatter, points, **style) == _drawn(
        qtbot, pg.ScatterPlotItem, points, **style
    )


def test_a_thousand_points_look_up_only_their_distinct_sizes(qtbot: QtBot) -> None:
    """pyqtgraph builds a style key per point (a Python loop over a block's thousand points)."""
    looked_up: list[int] = []
    scatter = LaneScatter(pxMode=True, hoverable=False, **STYLES["lane"])
    atlas = scatter.fragmentAtlas
    keys = atlas._keys
    atlas._keys = lambda styles: looked_up.append(len(styles)) or keys(styles)
    scatter.addPoints(**_points(1000))
    assert sum(looked_up) == len(SIZES)


def test_points_with_a_style_of_their_own_take_pyqtgraphs_lookup(qtbot: QtBot) -> None:
    """A point's own brush is not the item's: the picture must be looked up with it."""
    points = _points(50)
    brushes = [pg.mkBrush("r") if i % 2 else pg.mkBrush("b") for i in range(50)]
    own = {**points, "brush": brushes}
    assert _drawn(qtbot, LaneScatter, own, pen=pg.mkPen("k")) == _drawn(
        qtbot, pg.ScatterPlotItem, own, pen=pg.mkPen("k")
    )

"""A scatter item whose points all share the item's symbol, pen and brush.

pyqtgraph's `ScatterPlotItem` finds each new point's picture in its symbol
atlas with a Python loop over the points (a key of symbol, size, pen and
brush per point). The chart's lanes give every point the item's own symbol,
pen and brush and vary only the size (the intensity), so the pictures a
block needs are found once per distinct size and spread over the points with
numpy: a block open adds about a thousand points, and that loop was most of
the chart's share of the open (issue 19). Points that carry a style of
their own go through pyqtgraph's own lookup, unchanged.

Imported with pyqtgraph, the first time the chart is shown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg

_STYLE_COLUMNS = ("symbol", "pen", "brush")
_UNSET_SIZE = -1  # pyqtgraph's "the item's size" for a point


class LaneScatter(pg.ScatterPlotItem):  # type: ignore[misc]
    """`ScatterPlotItem` with the atlas lookup done per distinct size, not per point."""

    def updateSpots(self, dataSet: Any = None) -> None:
        """Give new points their pictures; see the module docstring for why."""
        if not (self.opts["pxMode"] and self.opts["useCache"]) or self.opts["hoverable"]:
            super().updateSpots(dataSet)
            return
        data = self.data if dataSet is None else dataSet
        fresh = data["sourceRect"]["w"] == 0
        if not fresh.any() or not self._only_item_styles(data, fresh):
            super().updateSpots(dataSet)
            return
        sizes = data["size"][fresh]
        sizes = np.where(sizes == _UNSET_SIZE, self.opts["size"], sizes)
        distinct, which = np.unique(sizes, return_inverse=True)
        symbol, pen, brush = (self.opts[name] for name in _STYLE_COLUMNS)
        rectangles = self.fragmentAtlas[[(symbol, size, pen, brush) for size in distinct]]
        data["sourceRect"][fresh] = np.array(rectangles, dtype=data.dtype["sourceRect"])[which]
        self._maybeRebuildAtlas()
        self._updateMaxSpotSizes(data=data)
        self.invalidate()

    @staticmethod
    def _only_item_styles(data: Any, fresh: Any) -> bool:
        """Whether none of the new points sets a symbol, pen or brush of its own."""
        count = int(fresh.sum())
        # pyqtgraph's "the item's own" is None; list.count compares in C.
        return all(data[name][fresh].tolist().count(None) == count for name in _STYLE_COLUMNS)

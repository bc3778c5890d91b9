"""The timeline chart: two lanes, stances as rows, intensity as size, flips ringed.

Only the open block draws the step line of the stance each partner holds
(the stance-time rule); the other blocks show their points alone, which
reads calmer at a glance and keeps opening a block fast.

pyqtgraph is imported the first time the chart is shown (it costs ~0.4 s to
import and is never on the path to the first window). The chart draws what
`TimelineData` holds: the other blocks once per opened block, the open
block again after every change, so logging stays cheap with thousands of
points elsewhere in the intensive.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from crucible.app.domain.stance_time import StanceSpan
from crucible.app.domain.timeline import TimelinePoint
from crucible.app.domain.vocabulary import STANCE_SHORT, PartnerKey, Stance
from crucible.app.ui.block.identity_memo import IdentityMemo
from crucible.app.ui.block.timeline_data import (
    Placed,
    TimelineData,
    lane_y,
    placed_points,
    spaced_ticks,
)

FLIP_COLOUR = "#e0218a"
_SHADING = ("region", "plan", "baseline")
"""The chart's fixed items (not lanes): the block as it ran, as planned, the lanes' divide."""
OTHERS_PER_TURN = 400
"""The other blocks' points added to the chart per turn of the event loop (about 1 ms: 800
were 1.4 ms median and 4.9 ms at worst on a 5,000-observation intensive)."""
TICK_LABEL_PX = 44
"""Room an hour label ("13:00" and a gap) needs on the time axis, in pixels."""
TAIL_LIMIT = 48
"""Newest points (and stance spans) of a lane drawn by a small item of their own.

A changed chart item is drawn again whole, so a live key that added its point to the
lane's item would redraw the block's hundreds of points and its whole step line. The
key's point goes into the lane's tail instead, and the tail is folded into the lane
(one full redraw) only once it holds this many."""


class TimelineView(QWidget):
    """Legend line above the chart; the chart itself appears on first show."""

    observation_clicked = Signal(int)

    def __init__(self, model: TimelineData, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setAccessibleName("Timeline of the intensive")
        self.setMinimumHeight(140)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.legend = QLabel()
        self.legend.setAccessibleName("Timeline legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setMinimumWidth(40)  # the chart keeps its width; the legend wraps
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)
        self.plot: Any = None
        self.colours: dict[PartnerKey, str] = {}
        self._static: list[Any] = []
        self._days_drawn: tuple[object, ...] | None = None  # what the day items show (_show_days)
        self._hour_ticks: list[tuple[float, str]] | None = None  # the time axis's labels
        self._dynamic: dict[str, Any] = {}
        self._drawn: dict[PartnerKey, int] = {}
        self._span_xy: IdentityMemo[StanceSpan, tuple[float, float]] = IdentityMemo()
        self._shown: dict[PartnerKey, tuple[TimelinePoint, ...]] = {}
        self._steps: dict[PartnerKey, Any] = {}  # per lane: spans, xs, ys, end of each span
        self._settled: dict[PartnerKey, int] = {}  # per lane: spans drawn by the lane's item
        self._tail: dict[PartnerKey, int] = {}  # per lane: points drawn by the lane's tail
        self._axis_version = -1
        self._others_version = -1
        self._others: dict[PartnerKey, Any] = {}
        self._others_due: list[tuple[Any, Placed]] = []  # batches still to add (_show_others)
        self._others_step = QTimer(self)  # zero-interval: the next batch after pending events
        self._others_step.setSingleShot(True)
        self._others_step.setInterval(0)
        self._others_step.timeout.connect(self._next_others)
        self._coloured_as: tuple[object, ...] | None = None  # what _recolour last applied
        self._themed_as: tuple[int, int] | None = None  # background and text, as applied

    # ------------------------------------------------------------------ building

    def ensure_plot(self) -> None:
        """Create the chart (importing pyqtgraph) if it does not exist yet, and draw."""
        if self.plot is not None:
            return
        import pyqtgraph as pg

        from crucible.app.ui.block.lane_scatter import LaneScatter

        self._lane_scatter = LaneScatter
        plot = pg.PlotWidget()
        plot.setAccessibleName("Timeline chart: click a point to select it in the table")
        plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=True, y=False)
        plot.setYRange(-0.6, 6.6, padding=0)
        item = plot.getPlotItem()
        item.getAxis("left").setWidth(70)
        item.getAxis("left").setTicks(
            [[(lane_y(p, s), STANCE_SHORT[s].lower()) for p in PartnerKey for s in Stance], []]
        )
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(plot, 1)
        self.plot = plot
        self._pg = pg
        self._dynamic = {}
        self._follow_theme()
        self.redraw_all()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fewer hour labels on a narrower chart, so none run into each other."""
        super().resizeEvent(event)
        if self.plot is not None and self.model.loaded:
            self._show_ticks()

    def _show_ticks(self) -> None:
        axis = self.model.axis
        pixels = self.plot.getPlotItem().getViewBox().width() or self.width()
        per_hour = pixels / max(axis.length + 0.2, 0.1)  # the x range is padded by 0.1 a side
        # Not laid out yet (no width): every hour for now; the first resize spaces them.
        gap = TICK_LABEL_PX / per_hour if per_hour > 0 else 0.0
        self._set_hour_ticks(spaced_ticks(axis.ticks(), gap))

    def _set_hour_ticks(self, ticks: list[tuple[float, str]]) -> None:
        """Label the time axis; the same labels again are left as drawn.

        Setting ticks makes the axis lay out and draw its labels again at the
        next paint (about a millisecond), and the next block of the same
        intensive has the same hours.
        """
        if ticks == self._hour_ticks:
            return
        self._hour_ticks = ticks
        self.plot.getPlotItem().getAxis("bottom").setTicks([ticks, []])

    def changeEvent(self, event: QEvent) -> None:
        """Follow a theme switched while the app runs (the chart paints its own background)."""
        super().changeEvent(event)
        changed = event.type() == QEvent.Type.PaletteChange and self.plot is not None
        if changed and self._follow_theme():
            self.redraw_all()  # day labels and shading in the new colours

    def _follow_theme(self) -> bool:
        """The palette's background and text on the chart and its axes; False if unchanged."""
        palette = self.palette()
        base, text = (
            palette.color(r) for r in (QPalette.ColorRole.Base, QPalette.ColorRole.WindowText)
        )
        if (base.rgba(), text.rgba()) == self._themed_as:
            return False
        self._themed_as = (base.rgba(), text.rgba())
        self.plot.setBackground(base)
        for name in ("left", "bottom"):
            axis = self.plot.getPlotItem().getAxis(name)
            axis.setPen(self._pg.mkPen(text))
            axis.setTextPen(self._pg.mkPen(text))
        return True

    # ------------------------------------------------------------------ drawing

    def show_partners(self, partners: dict[PartnerKey, tuple[str, str]]) -> None:
        """Colours for the lanes and the legend: key -> (name, colour)."""
        self.colours = {key: colour for key, (_name, colour) in partners.items()}
        lanes = [
            f"<span style='color:{colour}; font-weight:bold'>● {_escape(name)}</span>"
            f" ({'top' if key is PartnerKey.A else 'bottom'} lane)"
            for key, (name, colour) in partners.items()
        ]
        items = [
            *lanes,
            f"<span style='color:{FLIP_COLOUR}; font-weight:bold'>◯ flip</span>",
            "size = intensity",
            "shaded = this block as it ran",
            "dashed = as planned",
        ]
        # Each item whole, on as many lines as the chart's width needs (at 1366x768
        # the chart is about 550 px wide: one line cut the explanation off).
        self.legend.setText(
            " &nbsp; ".join(f"<span style='white-space:nowrap'>{item}</span>" for item in items)
        )

    def redraw_all(self) -> None:
        """Draw everything for a newly opened block.

        The chart's items are made once and reused from block to block (made
        and added anew, they cost a block open tens of milliseconds); only the
        day lines and labels, which depend on the intensive's days and the
        theme, are made again, and only when those changed (`_show_days`).
        """
        if self.plot is None:
            return
        self._span_xy = IdentityMemo()
        self._axis_version = self.model.axis_version
        if not self._dynamic:
            self._make_items()
        for item in self._lanes():
            item.clear()
        self._others_due = []  # batches for the emptied lanes: `_show_others` makes new ones
        self._recolour()  # once empty: a recoloured scatter restyles each point it holds
        self._drawn, self._shown, self._steps, self._settled, self._tail = {}, {}, {}, {}, {}
        loaded = self.model.loaded
        for name in _SHADING:
            self._dynamic[name].setVisible(loaded)
        if not loaded:
            self._show_days(())
            self._set_hour_ticks([])
            return
        axis = self.model.axis
        self._show_days(axis.days)
        self._show_others()
        self._show_ticks()
        self.plot.setXRange(-0.1, axis.length + 0.1, padding=0)
        self.redraw_current()

    def _show_days(self, days: tuple[Any, ...]) -> None:
        """A break line before each day but the first and a "Day N" label, in the theme's colours.

        Kept as they are when the days and the theme are the same as last
        drawn (the next block of the same intensive, usually): making and
        adding them again was about 2 ms of every block open (issue 19).
        """
        muted = self._muted()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        wanted = (days, muted.rgba(), text.rgba())
        if wanted == self._days_drawn:
            return
        self._days_drawn = wanted
        for item in self._static:
            self.plot.removeItem(item)
        self._static = []
        pg, axis = self._pg, self.model.axis
        for index, day in enumerate(days):
            if index:
                self._add_static(
                    pg.InfiniteLine(
                        pos=axis.break_x(day.number),
                        angle=90,
                        pen=pg.mkPen(muted, width=2, style=Qt.PenStyle.DashLine),
                    )
                )
            label = pg.TextItem(f"Day {day.number}", color=text, anchor=(0, 0.5))
            label.setPos(axis.x(day.start, day.number) + 0.02, 3.0)
            bold = label.textItem.font()
            bold.setBold(True)
            label.setFont(bold)
            self._add_static(label)

    def _make_items(self) -> None:
        """The items every block reuses: shading, plan, the lanes, the other blocks' points."""
        pg = self._pg
        baseline = pg.InfiniteLine(pos=3.0, angle=0)
        region = pg.LinearRegionItem(movable=False)
        region.setZValue(-10)
        plan = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(0, 0, 0, 0))
        plan.setZValue(-9)
        for name, item in zip(_SHADING, (region, plan, baseline), strict=True):
            self._dynamic[name] = item
            self.plot.addItem(item)
        for key in PartnerKey:
            scatter = self._scatter(key, (), static=True)
            _cache_drawing(scatter)  # drawn once per block: thousands of points
            self._others[key] = scatter
            self.plot.addItem(scatter)
            for name in ("steps", "steps-tail", "points", "points-tail", "flips"):
                item = self._new_dynamic(key, name)
                # Cached too: a log redraws one partner's lane, the other's is blitted.
                _cache_drawing(item)
                self._dynamic[f"{name}-{key}"] = item
                self.plot.addItem(item)

    def _lanes(self) -> list[Any]:
        """The items that hold points or lines: emptied for each block."""
        shading = [self._dynamic.get(name) for name in _SHADING]
        lanes = [item for item in self._dynamic.values() if item not in shading]
        return [*self._others.values(), *lanes]

    def _muted(self) -> QColor:
        muted = QColor(self.palette().color(QPalette.ColorRole.WindowText))
        muted.setAlpha(120)
        return muted

    def _recolour(self) -> None:
        """The couple's colours on the lanes, the theme's on the shading (both may change).

        Only when they did change: pyqtgraph keeps one rendered symbol per pen
        and brush *object* it is given, so new pens of the same colours for
        every block opened rendered every symbol again (a few milliseconds a
        block) and grew the chart's symbol atlas by as many each time.
        """
        pg, muted = self._pg, self._muted()
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        wanted = (dark, muted.rgba(), *sorted(self.colours.items()))
        if wanted == self._coloured_as:
            return
        self._coloured_as = wanted
        self._dynamic["baseline"].setPen(pg.mkPen(muted, width=1))
        self._dynamic["region"].setBrush(pg.mkBrush(255, 193, 7, 38 if dark else 55))
        for line in self._dynamic["plan"].lines:
            line.setPen(pg.mkPen(muted, width=1.5, style=Qt.PenStyle.DashLine))
        for key in PartnerKey:
            edge = pg.mkPen(self._colour(key).darker(130), width=1)
            self._others[key].setPen(edge)
            self._others[key].setBrush(pg.mkBrush(self._colour(key, 150)))
            for name in ("points", "points-tail"):
                self._dynamic[f"{name}-{key}"].setPen(edge)
                self._dynamic[f"{name}-{key}"].setBrush(pg.mkBrush(self._colour(key, 235)))
            for name in ("steps", "steps-tail"):
                self._dynamic[f"{name}-{key}"].setPen(pg.mkPen(self._colour(key, 190), width=1))

    def _show_others(self) -> None:
        """Draw the other blocks' points, placed by the worker that read them when it could.

        Added `OTHERS_PER_TURN` at a time, one batch per turn of the event
        loop: all at once, a 5,000-observation intensive's other blocks held
        the UI thread 4-11 ms as they arrived, and a key pressed then waited
        for all of it (issue 19: never more than 4 ms at a time).
        """
        self._others_version = self.model.others_version
        self._others_due = []
        for key, scatter in self._others.items():
            scatter.clear()
            placed = self.model.other_placed(key)  # no per-point work here for thousands
            if placed is None:
                placed = placed_points(self.model.other_points(key), self.model.axis)
            xs, ys, sizes, ids = placed
            for start in range(0, len(xs), OTHERS_PER_TURN):
                end = start + OTHERS_PER_TURN
                batch = (xs[start:end], ys[start:end], sizes[start:end], ids[start:end])
                self._others_due.append((scatter, batch))
        if self._others_due:
            self._others_step.start()

    @property
    def others_pending(self) -> bool:
        """Whether some of the other blocks' points are still to be added to the chart."""
        return bool(self._others_due)

    def _next_others(self) -> None:
        if not self._others_due:
            return
        scatter, (xs, ys, sizes, ids) = self._others_due.pop(0)
        scatter.addPoints(x=xs, y=ys, size=sizes, data=ids)
        if self._others_due:
            self._others_step.start()

    def redraw_current(self) -> None:
        """Redraw only the open block's points, step lines, flips and shading."""
        if self.plot is None or not self.model.loaded or not self._dynamic:
            return
        if self._axis_version != self.model.axis_version:
            self.redraw_all()  # a day grew (an overrun): every point moves once
            return
        if self._others_version != self.model.others_version:
            self._show_others()  # the other blocks arrived on the same axis
        axis, day = self.model.axis, self.model.current_day
        start, end = self.model.current_span()
        region = (axis.x(start, day), axis.x(end, day))
        if self._moved_visibly(self._dynamic["region"].getRegion(), region):
            self._dynamic["region"].setRegion(region)
        self._show_plan(axis, day)
        for key in PartnerKey:
            if self._drawn.get(key) == self.model.versions[key]:
                continue
            self._drawn[key] = self.model.versions[key]
            points = self.model.current_points(key)
            self._draw_steps(key, self.model.current_spans(key), day)
            shown = self._shown.get(key, ())
            if points is shown:
                continue  # only the step line moved (the block's end, for the other partner)
            tail = self._dynamic[f"points-tail-{key}"]
            if len(points) > len(shown) and points[: len(shown)] == shown:
                new = points[len(shown) :]  # the live case: only the newest point is added
                if self._tail.get(key, 0) + len(new) <= TAIL_LIMIT:
                    self._add(tail, new, 0)
                    self._tail[key] = self._tail.get(key, 0) + len(new)
                else:  # fold the tail into the lane: one full redraw every TAIL_LIMIT keys
                    folded = len(shown) - self._tail.get(key, 0)
                    tail.clear()
                    self._tail[key] = 0
                    self._add(self._dynamic[f"points-{key}"], points[folded:], 0)
                self._add(self._dynamic[f"flips-{key}"], [p for p in new if p.is_flip], 9)
            else:
                tail.clear()
                self._tail[key] = 0
                self._dynamic[f"points-{key}"].clear()
                self._dynamic[f"flips-{key}"].clear()
                self._add(self._dynamic[f"points-{key}"], points, 0)
                self._add(self._dynamic[f"flips-{key}"], [p for p in points if p.is_flip], 9)
            self._shown[key] = points

    def _moved_visibly(self, drawn: tuple[float, float], wanted: tuple[float, float]) -> bool:
        """Whether the shading must move: by half a pixel or more at the chart's scale.

        While live, each key moves the block's end a few seconds, usually a
        fraction of a pixel; moving the shading anyway repaints the block's
        whole column of the chart on every key.
        """
        if drawn == wanted:
            return False
        try:
            pixel = float(self.plot.getPlotItem().getViewBox().viewPixelSize()[0])
        except (ZeroDivisionError, AttributeError, IndexError):
            return True  # not laid out yet: draw exactly
        if not pixel > 0:
            return True
        return any(abs(a - b) >= pixel / 2 for a, b in zip(drawn, wanted, strict=True))

    def clear(self) -> None:
        """Empty the chart and the names in the legend (the items stay, for the next block)."""
        self.legend.clear()
        self.colours = {}
        self._others_due = []
        self._others_step.stop()
        if self.plot is not None:
            self._show_days(())
            self._span_xy = IdentityMemo()
            for item in self._lanes():
                item.clear()
            for name in _SHADING:
                if name in self._dynamic:
                    self._dynamic[name].setVisible(False)
            self._drawn, self._shown, self._steps, self._settled, self._tail = {}, {}, {}, {}, {}
            self._set_hour_ticks([])

    def _show_plan(self, axis: Any, day: int) -> None:
        """Outline the open block's plan, or hide the outline (a plan on another date)."""
        plan, planned = self._dynamic["plan"], self.model.planned_span()
        if planned is None:
            plan.setVisible(False)
            return
        region = (axis.x(planned[0], day), axis.x(planned[1], day))
        if plan.getRegion() != region:
            plan.setRegion(region)
        plan.setVisible(True)

    # ------------------------------------------------------------------ items

    def _add_static(self, item: Any) -> None:
        _cache_drawing(item)
        self._static.append(item)
        self.plot.addItem(item)

    def _colour(self, key: PartnerKey, alpha: int = 255) -> QColor:
        colour = QColor(self.colours.get(key, "#808080"))
        colour.setAlpha(alpha)
        return colour

    def _new_dynamic(self, key: PartnerKey, name: str) -> Any:
        pg = self._pg
        if name in ("steps", "steps-tail"):
            return pg.PlotDataItem(pen=pg.mkPen(self._colour(key, 190), width=1))
        if name == "flips":
            return self._lane_scatter(
                symbol="o", pen=pg.mkPen(FLIP_COLOUR, width=2.5), brush=None, pxMode=True
            )
        return self._scatter(key, (), static=False)  # the points and their tail

    def _draw_steps(self, key: PartnerKey, spans: tuple[StanceSpan, ...], day: int) -> None:
        """Draw the lane's step line: the settled spans once, the newest ones in the tail.

        A live key changes only the last span or two, so the lane's item keeps
        its drawing and the tail (at most TAIL_LIMIT spans) is drawn again.
        """
        xs, ys, marks, keep = self._step_path(key, spans, day)
        settled = self._settled.get(key, 0)
        if keep < settled or len(spans) - settled > TAIL_LIMIT:
            settled = max(0, len(spans) - 2)  # the two a key can change stay in the tail
            cut = marks[settled - 1] if settled else 0
            self._dynamic[f"steps-{key}"].setData(xs[:cut], ys[:cut], connect="finite")
            self._settled[key] = settled
        start = marks[settled - 1] - 1 if settled else 0  # from the settled end: no gap
        self._dynamic[f"steps-tail-{key}"].setData(xs[start:], ys[start:], connect="finite")

    def _step_path(
        self, key: PartnerKey, spans: tuple[StanceSpan, ...], day: int
    ) -> tuple[list[float], list[float], list[int], int]:
        """The step line's points, the end of each span in them, and how many spans were kept.

        Only spans after those unchanged since last time are placed: a live key
        changes the last span or two of a lane (and, when the block's end moves,
        the other lane's last); the rest of the path is kept.
        """
        axis = self.model.axis
        old, xs, ys, marks = self._steps.get(key, ((), [], [], []))
        keep, limit = 0, min(len(spans), len(old))
        while keep < limit and spans[keep] is old[keep]:
            keep += 1
        cut = marks[keep - 1] if keep else 0
        xs, ys, marks = xs[:cut], ys[:cut], marks[:keep]
        previous_end = spans[keep - 1].end if keep else None
        end_x = xs[-1] if keep else 0.0
        memo = self._span_xy
        for span in spans[keep:]:
            joined = span.start == previous_end
            if previous_end is not None and not joined:
                xs.append(float("nan"))
                ys.append(float("nan"))
            placed = memo.get(span)
            if placed is None:
                # A span usually starts where the last one ended: its x is known.
                start_x = end_x if joined else axis.x(span.start, day)
                placed = (start_x, axis.x(span.end, day))
                memo.put(span, placed)
            y = lane_y(span.partner, span.stance)
            xs.extend(placed)
            ys.extend((y, y))
            marks.append(len(xs))
            previous_end, end_x = span.end, placed[1]
        self._steps[key] = (spans, xs, ys, marks)
        return xs, ys, marks, keep

    def _scatter(self, key: PartnerKey, points: tuple[TimelinePoint, ...], *, static: bool) -> Any:
        pg = self._pg
        scatter = self._lane_scatter(
            pen=pg.mkPen(self._colour(key).darker(130), width=1),
            brush=pg.mkBrush(self._colour(key, 150 if static else 235)),
            pxMode=True,
            hoverable=False,
        )
        scatter.sigClicked.connect(self._clicked)
        self._add(scatter, points, 0)
        return scatter

    def _add(self, scatter: Any, points: Sequence[TimelinePoint], extra: float) -> None:
        """Add points to a lane; placing is cheaper than remembering (a subtraction a point)."""
        if not points:
            return
        xs, ys, sizes, ids = placed_points(points, self.model.axis)
        if extra:
            sizes = [size + extra for size in sizes]
        scatter.addPoints(x=xs, y=ys, size=sizes, data=ids)

    def _clicked(self, _item: Any, points: Any, *_args: Any) -> None:
        if len(points):
            observation_id = points[0].data()
            if observation_id is not None:
                self.observation_clicked.emit(int(observation_id))


def _cache_drawing(item: Any) -> None:
    """Draw the item once into a pixmap, blitted until it changes.

    Repainting thousands of other blocks' points and lines on every logged
    observation would cost more than the log itself.
    """
    for part in (item, *item.childItems()):
        part.setCacheMode(part.CacheMode.DeviceCoordinateCache)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

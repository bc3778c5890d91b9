"""Vector charts for the reports: stance shares by day, and the timeline across all days.

Both are drawn with ``reportlab.graphics`` so they stay sharp when a
supervisor zooms in and their labels remain text (searchable, and checked
for names by the tests). They take figures and series computed by
:mod:`app.domain.analytics` and :mod:`app.domain.timeline`; nothing is
recomputed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Rect, String
from reportlab.lib import colors

from crucible.app.domain.analytics import PartnerFigures
from crucible.app.domain.timeline import TimelineBlock, TimelineDay, TimelineSeries
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.reports.bidi import has_rtl, shape_arabic, visual_line
from crucible.reports.fonts import BODY_FONT, BOLD_FONT, measure_runs, runs_width
from crucible.reports.styles import (
    FLIP_COLOUR,
    GRID_COLOUR,
    INK,
    MUTED,
    RULE,
    STANCE_COLOURS,
    STANCE_SHORT,
)

__all__ = ["TIMELINE_HEIGHT", "label", "stance_share_chart", "timeline_chart"]

# Left to right on a share bar: shame, the healthy middle, grandiosity.
_BAR_ORDER = (Stance.ONE_DOWN, Stance.SAME_AS, Stance.ONE_UP)
# Top to bottom in a timeline lane.
_LANE_ORDER = (Stance.ONE_UP, Stance.SAME_AS, Stance.ONE_DOWN)
_CONNECTOR = colors.HexColor("#B8C2CC")
_LANE_H, _LANE_GAP, _TOP, _BOTTOM = 150.0, 44.0, 40.0, 48.0
TIMELINE_HEIGHT = _TOP + 2 * _LANE_H + _LANE_GAP + _BOTTOM
"""Height of the timeline drawing in points (callers keep it on one page)."""


def label(
    text: str,
    x: float,
    y: float,
    size: float = 8,
    anchor: str = "start",
    font: str = BODY_FONT,
    colour: colors.Color = INK,
) -> Group:
    """A text label for a drawing, with font fallback and right-to-left display order.

    A chart String has one font; a partner's name may need several (Latin
    and Hebrew, or an emoji), so the label is one String per font run.
    """
    flat = " ".join(text.split())
    if has_rtl(flat):
        flat = visual_line(shape_arabic(flat), False)
    runs = measure_runs(flat, size, font)
    total = sum(width for _, width in runs)
    start = {"start": x, "middle": x - total / 2, "end": x - total}[anchor]
    group = Group()
    for run, width in runs:
        group.add(String(start, y, run.text, fontName=run.font, fontSize=size, fillColor=colour))
        start += width
    return group


def _legend(drawing: Drawing, x: float, y: float, order: Sequence[Stance], with_flip: bool) -> None:
    """Stance colours in chart order (and, on the timeline, the flip ring and the size key)."""
    for stance in order:
        drawing.add(Rect(x, y - 1, 9, 9, fillColor=STANCE_COLOURS[stance], strokeColor=None))
        drawing.add(label(stance.label, x + 13, y, 8))
        x += 26 + runs_width(stance.label, 8)
    if not with_flip:
        return
    drawing.add(
        Circle(x + 5, y + 3.5, 5.5, fillColor=None, strokeColor=FLIP_COLOUR, strokeWidth=1.3)
    )
    drawing.add(Circle(x + 5, y + 3.5, 2.5, fillColor=MUTED, strokeColor=None))
    text = "flip (where it landed)"
    drawing.add(label(text, x + 15, y, 8))
    x += 30 + runs_width(text, 8)
    for intensity in (1, 3, 5):
        radius = _radius(intensity)
        drawing.add(Circle(x + radius, y + 3.5, radius, fillColor=MUTED, strokeColor=None))
        x += 2 * radius + 3
    drawing.add(label("size = intensity 1–5", x + 2, y, 8))


def stance_share_chart(
    days: Mapping[int, PartnerFigures], total: PartnerFigures, width: float
) -> Drawing:
    """A 100% stacked bar per day (and the total) of one partner's stance shares.

    Args:
        days: The partner's figures per day number.
        total: The partner's figures over the whole intensive.
        width: Drawing width in points.

    Returns:
        The drawing; a day without observations shows an empty bar saying so.
    """
    rows: list[tuple[str, PartnerFigures]] = [(f"Day {n}", f) for n, f in days.items()]
    rows.append(("Total", total))
    bar_h, gap = 17.0, 7.0
    plot_h = len(rows) * (bar_h + gap)
    height = plot_h + 46
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 58, 38, width - 78, plot_h
    chart.data = [[100 * f.shares[s] for _, f in rows] for s in _BAR_ORDER]
    chart.categoryAxis.categoryNames = [name for name, _ in rows]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = BODY_FONT
    chart.categoryAxis.labels.fontSize = 8.5
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.labels.fontName = BODY_FONT
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = GRID_COLOUR
    chart.barSpacing = 0
    chart.groupSpacing = gap
    chart.barWidth = bar_h
    for index, stance in enumerate(_BAR_ORDER):
        chart.bars[index].fillColor = STANCE_COLOURS[stance]
        chart.bars[index].strokeColor = colors.white
        chart.bars[index].strokeWidth = 0.5
    chart.barLabelFormat = lambda value: f"{value:.0f}%" if value >= 7 else ""
    chart.barLabels.fontName = BOLD_FONT
    chart.barLabels.fontSize = 7.5
    chart.barLabels.fillColor = colors.white
    chart.barLabels.boxTarget = "mid"
    drawing.add(chart)
    step = plot_h / len(rows)
    for index, (_, figures) in enumerate(rows):
        if figures.observations == 0:
            y = chart.y + plot_h - (index + 0.5) * step - 3
            drawing.add(label("no observations logged", chart.x + 6, y, 8, colour=MUTED))
    _legend(drawing, chart.x, 4, _BAR_ORDER, with_flip=False)
    return drawing


def _radius(intensity: int) -> float:
    """Marker radius for an intensity of 1-5 (area grows with intensity)."""
    return 1.6 + 0.55 * max(1, min(5, intensity))


class _TimeAxis:
    """Maps wall-clock times to x, day by day, leaving out the nights between days."""

    def __init__(self, days: Sequence[TimelineDay], x0: float, width: float, gap: float) -> None:
        self.days = tuple(days)
        seconds = [max((d.end - d.start).total_seconds(), 60.0) for d in self.days]
        usable = width - gap * (len(self.days) - 1)
        self.spans: list[tuple[TimelineDay, float, float]] = []
        x = x0
        for day, secs in zip(self.days, seconds, strict=True):
            day_w = usable * secs / sum(seconds)
            self.spans.append((day, x, day_w))
            x += day_w + gap

    def x(self, when: datetime, day_number: int | None = None) -> float:
        """The x of a time, on its day when known (else the first day not over yet).

        Every observation lies inside its day (the day covers what each block
        ran); only a time outside every day clamps to the nearest day edge.
        """
        for day, x0, day_w in self.spans:
            if day.number == day_number if day_number is not None else when <= day.end:
                return self._place(day, x0, day_w, when)
        day, x0, day_w = self.spans[-1]
        return self._place(day, x0, day_w, when)

    @staticmethod
    def _place(day: TimelineDay, x0: float, day_w: float, when: datetime) -> float:
        total = max((day.end - day.start).total_seconds(), 60.0)
        offset = (when - day.start).total_seconds() / total
        return x0 + day_w * max(0.0, min(1.0, offset))


def _hour_ticks(day: TimelineDay, day_w: float) -> list[datetime]:
    """Whole hours within a day, thinned so that labels do not collide."""
    first = day.start.replace(minute=0, second=0, microsecond=0)
    if first < day.start:
        first += timedelta(hours=1)
    hours = max((day.end - day.start).total_seconds() / 3600, 0.01)
    every = 1 if day_w / hours >= 26 else (2 if day_w / hours >= 13 else 4)
    ticks: list[datetime] = []
    tick = first
    while tick <= day.end:
        if tick.hour % every == 0:
            ticks.append(tick)
        tick += timedelta(hours=1)
    return ticks


def timeline_chart(
    series: TimelineSeries, lane_labels: Mapping[PartnerKey, str], width: float
) -> Drawing:
    """The timeline across all days: a lane per partner, stance on the vertical axis.

    One-up is the top row of a lane, same-as the middle and one-down the
    bottom. A step line shows the stance held; each observation is a dot
    sized by intensity; a flip's landing point gets a red ring; a dashed
    vertical line and label mark each new day (the night is left out). Under
    the hours, a strip shows when each block ran against its plan (outlined).

    Args:
        series: From :func:`app.domain.timeline.timeline_series`.
        lane_labels: Lane title per partner (a name, or "Partner A").
        width: Drawing width in points.
    """
    lane_h, lane_gap, top, bottom = _LANE_H, _LANE_GAP, _TOP, _BOTTOM
    height = TIMELINE_HEIGHT
    drawing = Drawing(width, height)
    x0, plot_w = 62.0, width - 70.0
    if not series.days:
        drawing.add(
            label("No blocks recorded: nothing to draw.", width / 2, height / 2, 10, "middle")
        )
        return drawing
    axis = _TimeAxis(series.days, x0, plot_w, gap=16.0)
    lanes_bottom = bottom
    for lane_index, key in enumerate(PartnerKey):
        lane_y = height - top - (lane_index + 1) * lane_h - lane_index * lane_gap
        row_h = lane_h / 3
        row_y = {
            stance: lane_y + (2 - i) * row_h + row_h / 2 for i, stance in enumerate(_LANE_ORDER)
        }
        drawing.add(label(lane_labels[key], x0, lane_y + lane_h + 5, 9.5, font=BOLD_FONT))
        for stance in _LANE_ORDER:
            for _, dx, dw in axis.spans:
                tint = colors.Color(*STANCE_COLOURS[stance].rgb(), alpha=0.09)
                drawing.add(
                    Rect(dx, row_y[stance] - row_h / 2, dw, row_h, fillColor=tint, strokeColor=None)
                )
            drawing.add(
                label(
                    STANCE_SHORT[stance],
                    x0 - 6,
                    row_y[stance] - 3,
                    8,
                    "end",
                    colour=STANCE_COLOURS[stance],
                )
            )
        for _, dx, dw in axis.spans:
            drawing.add(
                Rect(dx, lane_y, dw, lane_h, fillColor=None, strokeColor=RULE, strokeWidth=0.6)
            )
        spans = series.spans.get(key, ())
        previous = None
        for span in spans:
            xa, xb, y = axis.x(span.start), axis.x(span.end), row_y[span.stance]
            if previous is not None and previous.end == span.start:
                drawing.add(
                    Line(xa, row_y[previous.stance], xa, y, strokeColor=_CONNECTOR, strokeWidth=0.4)
                )
            drawing.add(
                Line(
                    xa,
                    y,
                    max(xb, xa + 0.5),
                    y,
                    strokeColor=STANCE_COLOURS[span.stance],
                    strokeWidth=1.4,
                )
            )
            previous = span
        points = series.points.get(key, ())
        for point in points:
            x, y, r = axis.x(point.at, point.day), row_y[point.stance], _radius(point.intensity)
            drawing.add(
                Circle(
                    x,
                    y,
                    r,
                    fillColor=STANCE_COLOURS[point.stance],
                    strokeColor=colors.white,
                    strokeWidth=0.4,
                )
            )
            if point.is_flip:
                drawing.add(
                    Circle(x, y, r + 2.4, fillColor=None, strokeColor=FLIP_COLOUR, strokeWidth=1.2)
                )
        if not points:
            drawing.add(
                label(
                    "No observations of this partner",
                    x0 + plot_w / 2,
                    lane_y + lane_h / 2 - 3,
                    9,
                    "middle",
                    colour=MUTED,
                )
            )
        lanes_bottom = lane_y
    for index, (day, dx, dw) in enumerate(axis.spans):
        day_text = f"Day {day.number} · {day.start:%a} {day.start.day} {day.start:%b}"
        drawing.add(label(day_text, dx + 2, height - 14, 8.5, font=BOLD_FONT))
        if index:
            brk = dx - 8
            drawing.add(
                Line(
                    brk,
                    lanes_bottom - 6,
                    brk,
                    height - 4,
                    strokeColor=INK,
                    strokeWidth=0.9,
                    strokeDashArray=[3, 2],
                )
            )
        last_day = index == len(axis.spans) - 1
        for tick in _hour_ticks(day, dw):
            tx = axis.x(tick)
            if not last_day and tx > dx + dw - 14:
                continue  # would collide with the next day's first hour
            drawing.add(
                Line(tx, lanes_bottom, tx, lanes_bottom - 3, strokeColor=MUTED, strokeWidth=0.5)
            )
            drawing.add(label(f"{tick.hour}:00", tx, lanes_bottom - 12, 7, "middle", colour=MUTED))
    _schedule_strip(drawing, series.blocks, axis, x0)
    _legend(drawing, 4, 6, _LANE_ORDER, with_flip=True)
    return drawing


def _schedule_strip(
    drawing: Drawing, blocks: Sequence[TimelineBlock], axis: _TimeAxis, x0: float
) -> None:
    """Under the hours: a grey bar for when each block ran, a dashed outline for its plan.

    A plan on another date than its run (a block moved to another day) is
    not drawn; the timeline section says it in words.
    """
    if not blocks:
        return
    y = 20.0
    drawing.add(label("plan / ran", x0 - 6, y + 1.5, 7, "end", colour=MUTED))
    ran = colors.Color(*MUTED.rgb(), alpha=0.45)
    for block in blocks:
        xa, xb = axis.x(block.start, block.day), axis.x(block.end, block.day)
        drawing.add(Rect(xa, y + 1.5, max(xb - xa, 0.8), 4, fillColor=ran, strokeColor=None))
        if not block.plan_shown:
            continue
        planned_end = block.planned_end or block.planned_start
        pa, pb = axis.x(block.planned_start, block.day), axis.x(planned_end, block.day)
        drawing.add(
            Rect(
                pa,
                y,
                max(pb - pa, 0.8),
                7,
                fillColor=None,
                strokeColor=INK,
                strokeWidth=0.5,
                strokeDashArray=[2, 1.5],
            )
        )

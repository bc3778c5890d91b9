"""Reports of sessions off schedule: dots where they happened, the plan shown as the plan."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from reportlab.graphics.shapes import Circle, Drawing, Rect

from crucible.app.domain.intensive import Block, Intensive
from crucible.app.domain.timeline import timeline_series
from crucible.app.domain.vocabulary import PartnerKey
from crucible.reports import ReportOptions, build_summary_report, build_supervision_report
from crucible.reports.charts import timeline_chart

from .conftest import page_texts

LANES = {PartnerKey.A: "Partner A", PartnerKey.B: "Partner B"}
CLOCK_SKEW = timedelta(hours=8, minutes=19)  # 09:00 logged as 00:41


def _with_first_block(intensive: Intensive, block: Block) -> Intensive:
    first = intensive.days[0]
    day = replace(first, blocks=(block, *first.blocks[1:]))
    return replace(intensive, days=(day, *intensive.days[1:]))


def _clock_said_00_41(sample: Intensive) -> Intensive:
    """Day 1's first block logged with a clock 8 h 19 min slow: 00:41 onwards, nothing recorded."""
    block = sample.days[0].blocks[0]
    shifted = tuple(replace(o, at=o.at - CLOCK_SKEW) for o in block.observations)
    return _with_first_block(sample, replace(block, observations=shifted))


def _late_and_over(sample: Intensive) -> Intensive:
    """Day 1's first block ran 09:20-11:50 instead of 09:00-11:30: every entry 20 minutes later."""
    block = sample.days[0].blocks[0]
    late = timedelta(minutes=20)  # the sample logs 09:01:52-11:25:59, so now 09:21:52-11:45:59
    ran = replace(
        block,
        actual_start=block.start + late,
        actual_end=block.start.replace(hour=11, minute=50),
        observations=tuple(replace(o, at=o.at + late) for o in block.observations),
    )
    return _with_first_block(sample, ran)


def _circles(drawing: Drawing) -> list[Circle]:
    return [shape for shape in drawing.contents if isinstance(shape, Circle)]


def test_dots_of_a_skewed_clock_are_not_stacked_at_the_day_start(sample: Intensive) -> None:
    """56 observations logged from 00:41 spread out; none are piled on the edge of Day 1."""
    series = timeline_series(_clock_said_00_41(sample))
    drawing = timeline_chart(series, LANES, 500)
    piles = Counter(round(circle.cx, 2) for circle in _circles(drawing))
    assert max(piles.values()) <= 4  # a dot, its flip ring, the other lane's at the same instant
    first = series.points[PartnerKey.A][0]
    assert first.at.hour == 0
    assert first.day == 1


def test_the_chart_draws_an_overrun_past_the_plan(sample: Intensive) -> None:
    """Day 1's 11:45 dot lies right of the 11:30 plan's end."""
    series = timeline_series(_late_and_over(sample))
    drawing = timeline_chart(series, LANES, 500)
    lanes = series.points[PartnerKey.A] + series.points[PartnerKey.B]
    late = max((p for p in lanes if p.day == 1 and p.block_index == 0), key=lambda p: p.at)
    plan = next(b for b in series.blocks if b.day == 1 and b.block_index == 0)
    assert plan.off_plan
    assert plan.planned_end is not None
    planned_outline = [r for r in drawing.contents if isinstance(r, Rect) and r.strokeDashArray]
    assert planned_outline, "the plan is drawn as a dashed outline"
    first, second = sorted(planned_outline, key=lambda r: r.x)[:2]  # 09:00-11:30, 12:30-13:30
    between = [c for c in _circles(drawing) if first.x + first.width < c.cx < second.x]
    assert late.at.strftime("%H:%M:%S") == "11:45:59"
    assert between, "the overrun's dots lie after the plan's end, before the next block"


def test_the_summary_lists_plan_and_run(sample: Intensive, options: ReportOptions) -> None:
    """The timeline page says what ran off schedule; the block's notes heading says it too."""
    text = " ".join(
        " ".join(page.split())
        for page in page_texts(build_summary_report(_late_and_over(sample), options))
    )
    assert "Day 1: planned 09:00–11:30, ran 09:20–11:50" in text
    assert "ran 09:20–11:50" in text.split("Joint: history and pattern", 1)[1]


def test_a_report_of_blocks_on_schedule_says_nothing_extra(
    sample: Intensive, options: ReportOptions
) -> None:
    """No run recorded, nothing off the plan: no schedule line at all."""
    text = " ".join(page_texts(build_summary_report(sample, options)))
    assert "Not on schedule" not in text
    assert ", ran " not in text


def test_a_block_run_on_another_day_names_the_date(
    sample: Intensive, options: ReportOptions
) -> None:
    """Planned Monday, run Tuesday morning: the date is spelled out in the supervision report."""
    block = sample.days[0].blocks[0]
    tuesday = datetime.combine(block.start.date() + timedelta(days=1), block.start.timetz())
    moved = replace(
        block,
        actual_start=tuesday.replace(hour=7),
        actual_end=tuesday.replace(hour=8, minute=30),
        observations=tuple(
            replace(o, at=tuesday.replace(hour=7) + (o.at - block.start) / 2)
            for o in block.observations
        ),
    )
    pdf = build_supervision_report(_with_first_block(sample, moved), options)
    text = " ".join(" ".join(page.split()) for page in page_texts(pdf))
    assert "planned 09:00–11:30, ran Tue 3 Nov 07:00–08:30" in text

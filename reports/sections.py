"""The figure sections of a report: cover, headlines, partner profiles, timeline, comparison.

Every number comes from :func:`app.domain.analytics.summarize_intensive` and
is formatted with :mod:`app.domain.summary_format`, the same functions the
CLI and the JSON export use, so the PDF agrees with them to the digit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from crucible.app.domain.analytics import (
    DayChange,
    IntensiveSummary,
    PartnerFigures,
    PartnerSummary,
    figure_values,
)
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.summary_format import (
    day_notes,
    format_difference,
    format_value,
    partner_headline,
)
from crucible.app.domain.timeline import TimelineSeries
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.reports.charts import stance_share_chart, timeline_chart
from crucible.reports.styles import Styles
from crucible.reports.tables import figure_table, key_value_table
from crucible.reports.textflow import inline

__all__ = [
    "PROFILE_FIGURES",
    "comparison_section",
    "cover_section",
    "headlines",
    "profile_section",
    "timeline_section",
]

PROFILE_FIGURES: tuple[str, ...] = (
    "observations",
    *(f"count.{s}" for s in Stance),
    *(f"share.{s}" for s in Stance),
    *(f"time_share.{s}" for s in Stance),
    "flips_up",
    "flips_down",
    "flips_per_hour",
    "mean_intensity",
    *(f"mean_intensity.{s}" for s in Stance),
)
"""Figures in a partner's profile table and the comparison table, by stable name."""

_STRATEGY_PREFIX = "strategy."
_BOUNDARY_PREFIX = "boundary."


def _date_range(intensive: Intensive) -> str:
    """'Mon 2 – Tue 3 Nov 2026 (2 days)' style wording for the cover."""
    dates = [day.date for day in intensive.days]
    first, last = dates[0], dates[-1]
    count = f"{len(dates)} day{'s' if len(dates) != 1 else ''}"
    if first == last:
        return f"{first:%a} {first.day} {first:%b %Y} ({count})"
    return f"{first:%a} {first.day} {first:%b %Y} – {last:%a} {last.day} {last:%b %Y} ({count})"


def cover_section(
    intensive: Intensive,
    styles: Styles,
    heading: str,
    report_date: date,
    prepared_by: str,
    flip_window_s: int,
    extra_rows: Sequence[tuple[str, str]] = (),
) -> list[Flowable]:
    """Title block and the facts of the intensive: couple, dates, clinicians."""
    a, b = intensive.couple.partners
    couple = f"{a.name} & {b.name}"
    rows: list[tuple[str, str]] = [
        ("Couple", f"{couple} (code {intensive.couple.code})"),
        ("Intensive", intensive.title),
        ("Dates", _date_range(intensive)),
        ("Clinician", intensive.clinician),
    ]
    if intensive.trainee:
        rows.append(("Trainee", intensive.trainee))
    if intensive.supervisor:
        rows.append(("Supervisor", intensive.supervisor))
    for partner in (a, b):
        if partner.pronouns:
            rows.append((f"Partner {partner.key} pronouns", partner.pronouns))
    rows.append(("Report date", f"{report_date:%a} {report_date.day} {report_date:%b %Y}"))
    if prepared_by:
        rows.append(("Prepared by", prepared_by))
    rows.append(("Flip window", f"{flip_window_s} s (a one-down to one-up bounce, or back)"))
    rows.extend(extra_rows)
    return [
        Paragraph(inline(heading, str(styles.title.fontName)), styles.title),
        Paragraph(
            inline(f"Couple {intensive.couple.code} · {intensive.title}", "CrucibleSans"),
            styles.subtitle,
        ),
        key_value_table(rows, styles),
        Spacer(1, 14),
    ]


def headlines(summary: IntensiveSummary, styles: Styles) -> list[Flowable]:
    """The sentences a supervisor reads first: did same-as grow, did flips slow."""
    out: list[Flowable] = [Paragraph("At a glance", styles.h2)]
    for partner in summary.partners.values():
        for line in partner_headline(partner):
            out.append(Paragraph(inline(line), styles.headline, bulletText="•"))
    return out


def _tally_rows(figures: Sequence[PartnerFigures], prefix: str) -> list[list[str]]:
    """Rows of a strategy or boundary tally, one column per set of figures."""
    columns = [figure_values(f) for f in figures]
    rows: list[list[str]] = []
    for index, value in enumerate(columns[0]):
        if value.name.startswith(prefix):
            label = value.label.split(": ", 1)[-1].capitalize()
            rows.append([label, *(format_value(c[index].value, c[index].unit) for c in columns)])
    return rows


def _figure_rows(figures: Sequence[PartnerFigures]) -> list[list[str]]:
    """Profile rows (``PROFILE_FIGURES``), with the n/a rule of :func:`figure_values`."""
    columns = [{v.name: v for v in figure_values(f)} for f in figures]
    return [
        [columns[0][name].label, *(format_value(c[name].value, c[name].unit) for c in columns)]
        for name in PROFILE_FIGURES
    ]


def profile_section(
    partner: PartnerSummary, styles: Styles, width: float, pronouns: str = ""
) -> list[Flowable]:
    """One partner: the stance-share chart, the figures by day, strategies and boundaries."""
    title = f"Partner {partner.key}"
    if partner.label != title:
        title = f"{title}: {partner.label}"
    if pronouns:
        title = f"{title} ({pronouns})"
    figures = [*partner.days.values(), partner.total]
    header = ["Figure", *(f"Day {n}" for n in partner.days), "Total"]
    out: list[Flowable] = [
        Paragraph(inline(title, str(styles.h2.fontName)), styles.h2),
        Paragraph("Share of observations in each stance", styles.h3),
        stance_share_chart(partner.days, partner.total, width),
        Spacer(1, 6),
        figure_table(header, _figure_rows(figures), styles, width, groups=(1, 4, 7, 10, 13)),
        *(Paragraph(inline(note), styles.small) for note in day_notes(partner)),
        Spacer(1, 8),
    ]
    # Strategies and boundaries side by side: short tables, and it keeps a
    # partner's profile on one page.
    half = (width - 14) / 2
    tallies = [
        ("Losing strategies (tags)", "Strategy", _STRATEGY_PREFIX),
        ("Boundary readings", "Boundary", _BOUNDARY_PREFIX),
    ]
    cells = [
        [
            Paragraph(caption, styles.h3),
            figure_table(
                [first, *header[1:]],
                _tally_rows(figures, prefix),
                styles,
                half,
                first_col=0.42,
            ),
        ]
        for caption, first, prefix in tallies
    ]
    pair = Table([cells], colWidths=[half + 14, half], hAlign="LEFT")
    pair.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    out.append(pair)
    return out


def timeline_section(
    series: TimelineSeries,
    lane_labels: dict[PartnerKey, str],
    styles: Styles,
    width: float,
) -> list[Flowable]:
    """The timeline across all days, with a line on how to read it."""
    how = (
        "Each lane is one partner; its rows are one-up (top), same-as (middle) and "
        "one-down (bottom). A dot is one observation, larger for higher intensity; the "
        "coloured line is the stance held until the next observation. A red ring marks "
        "where a flip landed."
    )
    if len(series.days) > 1:
        how += " The dashed line marks the start of the next day (nights are left out)."
    how += " Under the hours, a grey bar shows when each block ran and a dashed outline its plan."
    story: list[Flowable] = [
        Paragraph("Timeline across the intensive", styles.h1),
        Paragraph(how, styles.small),
    ]
    off_plan = [f"Day {block.day}: {block.schedule}" for block in series.blocks if block.off_plan]
    if off_plan:
        listed = inline("Not on schedule: " + "; ".join(off_plan) + ".")
        story.append(Paragraph(listed, styles.small))
    return [*story, Spacer(1, 8), timeline_chart(series, lane_labels, width)]


def _change_rows(changes: Sequence[DayChange], names: Sequence[str]) -> list[list[str]]:
    """First, last and change per figure and partner; n/a where either day has no basis."""
    rows: list[list[str]] = []
    for name in names:
        cells: list[str] = []
        for change in changes:
            row = change.row(name)
            cells += [
                format_value(row.first, row.unit),
                format_value(row.last, row.unit),
                format_difference(row.difference, row.unit),
            ]
        rows.append([changes[0].row(name).label, *cells])
    return rows


def comparison_section(summary: IntensiveSummary, styles: Styles, width: float) -> list[Flowable]:
    """Day 1 against the last day, both partners side by side, headline in words first."""
    partners = list(summary.partners.values())
    changes = [p.change for p in partners]
    heading = Paragraph("First day and last day compared", styles.h1)
    if any(c is None for c in changes):
        note = Paragraph("Single-day intensive: no day-over-day comparison.", styles.body)
        return [CondPageBreak(60), heading, note]
    out: list[Flowable] = [CondPageBreak(300), heading]
    present = [c for c in changes if c is not None]
    for partner in partners:
        for line in partner_headline(partner):
            out.append(Paragraph(inline(line), styles.headline, bulletText="•"))
    out.append(Spacer(1, 8))
    first, last = present[0].first_day, present[0].last_day
    names = [
        *PROFILE_FIGURES,
        *(
            v.name
            for v in present[0].rows
            if "." in v.name and v.name.split(".")[0] in ("strategy", "boundary")
        ),
    ]
    header = ["Figure"]
    groups: list[tuple[str, int, int]] = []
    for index, partner in enumerate(partners):
        header += [f"Day {first}", f"Day {last}", "Change"]
        title = f"Partner {partner.key}"
        if partner.label != title:
            title = f"{title}: {partner.label}"
        groups.append((title, 1 + 3 * index, 3 + 3 * index))
    out.append(
        figure_table(
            header,
            _change_rows(present, names),
            styles,
            width,
            groups=(1, 4, 7, 10, 13, 17, 22),
            band_columns=(4,),
            first_col=0.31,
            group_header=groups,
        )
    )
    out.append(Spacer(1, 4))
    out.append(
        Paragraph(
            "Change is the last day minus the first; share changes are in percentage points "
            "(pp). n/a marks a figure with no basis (nothing logged for the partner that day, "
            "or no joint session with the partner observed in it); it is never compared.",
            styles.small,
        )
    )
    return out

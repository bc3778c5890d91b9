"""An intensive summary as plain data (for JSON) and as a text table (for a terminal).

Both are views of the same :class:`app.domain.analytics.IntensiveSummary`, so
the CLI, the JSON export and the PDF agree to the digit. Rounding is done here,
once, by the kind of number (:class:`app.domain.figures.FigureUnit`): counts
stay integers, minutes and mean intensities get one decimal, shares three
decimals, flips per hour two. Unrounded values stay in the summary itself, so
rounding never feeds back into a later calculation.

Every value is read through :func:`app.domain.figures.figure_values`, which
applies the n/a rule (a figure with no basis is None and never compared), and
a day with nothing logged is named by :func:`no_observations_note`; the PDF
reports use the same functions, headline sentences included.

Labels come from the summary, so a de-identified summary produces
de-identified JSON and tables; nothing here looks at names.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from crucible.app.domain.analytics import (
    DayChange,
    FigureUnit,
    IntensiveSummary,
    PartnerFigures,
    PartnerSummary,
    figure_values,
    has_basis,
)
from crucible.app.domain.vocabulary import Boundary, Stance, Strategy

_DECIMALS: Final = {
    FigureUnit.COUNT: 0,
    FigureUnit.SHARE: 3,
    FigureUnit.MINUTES: 1,
    FigureUnit.INTENSITY: 1,
    FigureUnit.RATE: 2,
}


def rounded(value: float | None, unit: FigureUnit) -> float | int | None:
    """Round a figure for display by its unit; counts become ints, None stays None.

    Adding 0.0 turns a rounded ``-0.0`` into ``0.0``, so a tiny negative
    change never prints as "-0.0".
    """
    if value is None:
        return None
    if unit is FigureUnit.COUNT:
        return round(value)
    return round(value, _DECIMALS[unit]) + 0.0


def figures_as_json(figures: PartnerFigures) -> dict[str, object]:
    """Return one set of figures as plain data, with stance counts at the top level.

    Every strategy and boundary is present, so that consumers can lay days
    side by side without checking for missing keys. A figure without a basis
    is null (on a day with nothing logged, every figure but ``observations``,
    ``joint_minutes`` and ``covered_minutes``).
    """
    values = {v.name: rounded(v.value, v.unit) for v in figure_values(figures)}

    def group(prefix: str, keys: tuple[StrEnum, ...]) -> dict[str, object]:
        return {key.value: values[f"{prefix}.{key.value}"] for key in keys}

    data: dict[str, object] = {"observations": figures.observations}
    data.update(group("count", tuple(Stance)))
    data.update(
        {
            "shares": group("share", tuple(Stance)),
            "flips_up": values["flips_up"],
            "flips_down": values["flips_down"],
            "mean_intensity": values["mean_intensity"],
            "mean_intensity_by_stance": group("mean_intensity", tuple(Stance)),
            "stance_minutes": group("minutes", tuple(Stance)),
            "stance_time_shares": group("time_share", tuple(Stance)),
            "covered_minutes": rounded(figures.covered_minutes, FigureUnit.MINUTES),
            "strategies": group("strategy", tuple(Strategy)),
            "boundaries": group("boundary", tuple(Boundary)),
            "joint_minutes": values["joint_minutes"],
            "joint_flips": figures.joint_flips if has_basis("joint_flips", figures) else None,
            "flips_per_hour": values["flips_per_hour"],
        }
    )
    return data


def change_as_json(change: DayChange) -> dict[str, object]:
    """Return a day-over-day change as plain data, every figure keyed by its stable name."""
    return {
        "first_day": change.first_day,
        "last_day": change.last_day,
        "same_as_share_change": rounded(change.same_as_share_change, FigureUnit.SHARE),
        "flips_per_hour_change": rounded(change.flips_per_hour_change, FigureUnit.RATE),
        "figures": {
            row.name: {
                "first": rounded(row.first, row.unit),
                "last": rounded(row.last, row.unit),
                "difference": rounded(row.difference, row.unit),
            }
            for row in change.rows
        },
    }


def _partner_as_json(partner: PartnerSummary) -> dict[str, object]:
    return {
        "label": partner.label,
        "days": {str(number): figures_as_json(f) for number, f in partner.days.items()},
        "days_without_observations": list(partner.days_without_observations),
        "total": figures_as_json(partner.total),
        "change": None if partner.change is None else change_as_json(partner.change),
    }


def summary_as_json(summary: IntensiveSummary) -> dict[str, object]:
    """Return the summary as a JSON-ready dict (string keys, numbers rounded, None for null).

    Day numbers become string keys because JSON object keys are strings;
    ``change`` is null for a one-day intensive; figures without a basis are
    null, and ``days_without_observations`` names the days with nothing logged.
    """
    return {
        "intensive": summary.intensive_id,
        "flip_window_s": summary.flip_window_s,
        "deidentified": summary.deidentified,
        "partners": {
            key.value: _partner_as_json(partner) for key, partner in summary.partners.items()
        },
    }


_MISSING: Final = "n/a"


def format_value(value: float | None, unit: FigureUnit) -> str:
    """Format a figure for a table cell: shares as percentages, None as "n/a"."""
    if value is None:
        return _MISSING
    if unit is FigureUnit.SHARE:
        return f"{100 * value:.1f}%"
    decimals = _DECIMALS[unit]
    return f"{round(value, decimals) + 0.0:.{decimals}f}"


def format_difference(value: float | None, unit: FigureUnit) -> str:
    """Format a change with its sign; share changes in percentage points ("pp")."""
    if value is None:
        return _MISSING
    if unit is FigureUnit.SHARE:
        return f"{round(100 * value, 1) + 0.0:+.1f} pp"
    decimals = _DECIMALS[unit]
    return f"{round(value, decimals) + 0.0:+.{decimals}f}"


def no_observations_note(day: int) -> str:
    """The one wording, in every output, for a day with nothing logged for a partner."""
    return f"Day {day}: no observations logged."


def day_notes(partner: PartnerSummary) -> list[str]:
    """A note for each day on which nothing was logged for this partner, in day order."""
    return [no_observations_note(day) for day in partner.days_without_observations]


def _direction(first: str, last: str, difference: float, up: str, down: str) -> str:
    if round(difference, 6) > 0:
        return f"{up} from {first} to {last}"
    if round(difference, 6) < 0:
        return f"{down} from {first} to {last}"
    return f"stayed at {first}"


def partner_headline(partner: PartnerSummary) -> list[str]:
    """The day-over-day change of one partner in words: same-as share, then flips.

    Only figures with a basis on both days are compared; a day with nothing
    logged is named instead, and then nothing else is said about the change.
    """
    change = partner.change
    if change is None:
        return [f"{partner.label}: single-day intensive: no day-over-day comparison."]
    span = f"Day {change.first_day} to Day {change.last_day}"
    compared = (change.first_day, change.last_day)
    empty = [day for day in compared if day in partner.days_without_observations]
    if empty:
        named = " ".join(no_observations_note(day) for day in empty)
        return [f"{partner.label}: {named} The days are not compared."]
    lines: list[str] = []
    share = change.row(f"share.{Stance.SAME_AS}")
    if share.first is None or share.last is None or share.difference is None:
        lines.append(f"{partner.label}: the same-as share cannot be compared ({span}).")
    else:
        first = format_value(share.first, FigureUnit.SHARE)
        last = format_value(share.last, FigureUnit.SHARE)
        moved = _direction(first, last, share.difference, "rose", "fell")
        lines.append(f"{partner.label}: same-as share {moved} ({span}).")
    rate = change.row("flips_per_hour")
    if rate.first is None or rate.last is None or rate.difference is None:
        lines.append(
            f"{partner.label}: flips per joint hour cannot be compared (on one of the days, "
            "no joint session with this partner observed in it)."
        )
    else:
        first = format_value(rate.first, FigureUnit.RATE)
        last = format_value(rate.last, FigureUnit.RATE)
        moved = _direction(first, last, rate.difference, "sped up", "slowed")
        lines.append(f"{partner.label}: flips per joint hour {moved} ({span}).")
    return lines


def _partner_table(partner: PartnerSummary) -> list[str]:
    heading = f"Partner {partner.key}"
    if partner.label != heading:
        heading = f"{heading}: {partner.label}"
    header = ["Figure", *(f"Day {number}" for number in partner.days), "Total"]
    columns = [figure_values(figures) for figures in (*partner.days.values(), partner.total)]
    rows = [
        [first.label, *(format_value(column[i].value, first.unit) for column in columns)]
        for i, first in enumerate(columns[0])
    ]
    if partner.change is not None:
        header.append(f"Change (Day {partner.change.last_day} - Day {partner.change.first_day})")
        for row, change in zip(rows, partner.change.rows, strict=True):
            row.append(format_difference(change.difference, change.unit))
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first, *rest = cells
        parts = [first.ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    lines = [heading, line(header), "  ".join("-" * width for width in widths)]
    lines += [line(row) for row in rows]
    if partner.change is None:
        lines.append("(one day only: no day-over-day change)")
    lines += day_notes(partner)
    return lines


def summary_as_table(summary: IntensiveSummary) -> str:
    """Return the summary as a plain-text table per partner, for reading in a terminal.

    Columns are each day, the total, and the change from the first to the last
    day; rows are every figure in :func:`app.domain.figures.figure_values` order.
    """
    title = "Intensive summary"
    if summary.intensive_id is not None:
        title = f"{title} #{summary.intensive_id}"
    lines = [f"{title} (flip window {summary.flip_window_s} s)"]
    for partner in summary.partners.values():
        lines += ["", *_partner_table(partner)]
    return "\n".join(lines) + "\n"

"""An intensive summary as plain data (for JSON) and as a text table (for a terminal).

Both are views of the same :class:`app.domain.analytics.IntensiveSummary`, so
the CLI, the JSON export and the PDF agree to the digit. Rounding is done here,
once, by the kind of number (:class:`app.domain.figures.FigureUnit`): counts
stay integers, minutes and mean intensities get one decimal, shares three
decimals, flips per hour two. Unrounded values stay in the summary itself, so
rounding never feeds back into a later calculation.

Labels come from the summary, so a de-identified summary produces
de-identified JSON and tables; nothing here looks at names.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final, TypeVar

from app.domain.analytics import (
    DayChange,
    FigureUnit,
    IntensiveSummary,
    PartnerFigures,
    PartnerSummary,
    figure_values,
)
from app.domain.vocabulary import Stance

_DECIMALS: Final = {
    FigureUnit.COUNT: 0,
    FigureUnit.SHARE: 3,
    FigureUnit.MINUTES: 1,
    FigureUnit.INTENSITY: 1,
    FigureUnit.RATE: 2,
}

_E = TypeVar("_E", bound=StrEnum)


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


def _by_value(mapping: Mapping[_E, float | None], unit: FigureUnit) -> dict[str, object]:
    return {key.value: rounded(value, unit) for key, value in mapping.items()}


def figures_as_json(figures: PartnerFigures) -> dict[str, object]:
    """Return one set of figures as plain data, with stance counts at the top level.

    Every strategy and boundary is present, zero counts included, so that
    consumers can lay days side by side without checking for missing keys.
    """
    data: dict[str, object] = {"observations": figures.observations}
    data.update({stance.value: figures.counts[stance] for stance in Stance})
    data.update(
        {
            "shares": _by_value(figures.shares, FigureUnit.SHARE),
            "flips_up": figures.flips_up,
            "flips_down": figures.flips_down,
            "mean_intensity": rounded(figures.mean_intensity, FigureUnit.INTENSITY),
            "mean_intensity_by_stance": _by_value(
                figures.mean_intensity_by_stance, FigureUnit.INTENSITY
            ),
            "stance_minutes": _by_value(figures.stance_minutes, FigureUnit.MINUTES),
            "stance_time_shares": _by_value(figures.stance_time_shares, FigureUnit.SHARE),
            "covered_minutes": rounded(figures.covered_minutes, FigureUnit.MINUTES),
            "strategies": _by_value(figures.strategies, FigureUnit.COUNT),
            "boundaries": _by_value(figures.boundaries, FigureUnit.COUNT),
            "joint_minutes": rounded(figures.joint_minutes, FigureUnit.MINUTES),
            "joint_flips": figures.joint_flips,
            "flips_per_hour": rounded(figures.flips_per_hour, FigureUnit.RATE),
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
        "total": figures_as_json(partner.total),
        "change": None if partner.change is None else change_as_json(partner.change),
    }


def summary_as_json(summary: IntensiveSummary) -> dict[str, object]:
    """Return the summary as a JSON-ready dict (string keys, numbers rounded, None for null).

    Day numbers become string keys because JSON object keys are strings;
    ``change`` is null for a one-day intensive.
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

"""The figures of an intensive, per partner: by day, in total, and Day 1 against the last day.

The summary report, the supervision report and the live screen all show the
same figures, so they are computed here once, from the frozen value objects,
and never from the database. :func:`partner_figures` works on any set of
blocks (this block, this day, the whole intensive); :func:`summarize_intensive`
applies it day by day and adds the day-over-day change the clinician reads
first: did the share of same-as grow, and did the flips slow down.

The figures over one set of blocks live in :mod:`app.domain.figures`, the flip
rule in :mod:`app.domain.flips` and the stance-time rule in
:mod:`app.domain.stance_time`; the first two are re-exported here so callers
need only this import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crucible.app.domain.figures import (
    FigureUnit,
    FigureValue,
    PartnerFigures,
    figure_values,
    frozen_mapping,
    has_basis,
    partner_figures,
)
from crucible.app.domain.flips import DEFAULT_FLIP_WINDOW_S, Flip, FlipDirection, find_flips
from crucible.app.domain.intensive import Block, Intensive
from crucible.app.domain.vocabulary import PartnerKey, Stance

__all__ = [
    "DEFAULT_FLIP_WINDOW_S",
    "DayChange",
    "FigureChange",
    "FigureUnit",
    "FigureValue",
    "Flip",
    "FlipDirection",
    "IntensiveSummary",
    "PartnerFigures",
    "PartnerSummary",
    "day_change",
    "figure_values",
    "find_flips",
    "has_basis",
    "partner_figures",
    "summarize_intensive",
]


@dataclass(frozen=True, slots=True)
class FigureChange:
    """One figure on the first day and on the last day.

    Attributes:
        name: Stable key, as in :class:`FigureValue`.
        first: Value on the first day.
        last: Value on the last day.
        difference: ``last - first``; None if either is None.
        label: Human wording for a table row.
        unit: What kind of number it is.
    """

    name: str
    first: float | None
    last: float | None
    difference: float | None
    label: str = ""
    unit: FigureUnit = FigureUnit.COUNT


@dataclass(frozen=True, slots=True)
class DayChange:
    """Day 1 against the last day, for every figure, with the two headline changes.

    Attributes:
        first_day: Number of the first day.
        last_day: Number of the last day.
        rows: One change per figure, in :func:`figure_values` order.
        same_as_share_change: Growth of the share of same-as observations
            (positive is the direction therapy hopes for); None unless both
            days have observations of the partner.
        flips_per_hour_change: Change in flips per joint hour (negative means
            the flips slowed); None unless both days have a rate (joint time
            with the partner observed in it).
    """

    first_day: int
    last_day: int
    rows: tuple[FigureChange, ...]
    same_as_share_change: float | None
    flips_per_hour_change: float | None

    def row(self, name: str) -> FigureChange:
        """Return the change of the figure with this stable name.

        Raises:
            KeyError: If no figure has that name.
        """
        for change in self.rows:
            if change.name == name:
                return change
        raise KeyError(name)


def _difference(first: float | None, last: float | None) -> float | None:
    return None if first is None or last is None else last - first


def day_change(
    first: PartnerFigures, last: PartnerFigures, first_day: int, last_day: int
) -> DayChange:
    """Compare two days' figures of one partner, figure by figure.

    The values come from :func:`figure_values`, so a figure without a basis
    on either day has no difference: it is never compared.
    """
    rows = tuple(
        FigureChange(a.name, a.value, b.value, _difference(a.value, b.value), a.label, a.unit)
        for a, b in zip(figure_values(first), figure_values(last), strict=True)
    )
    by_name = {row.name: row for row in rows}
    return DayChange(
        first_day=first_day,
        last_day=last_day,
        rows=rows,
        same_as_share_change=by_name[f"share.{Stance.SAME_AS}"].difference,
        flips_per_hour_change=by_name["flips_per_hour"].difference,
    )


@dataclass(frozen=True, slots=True)
class PartnerSummary:
    """One partner's figures, by day and in total, with the day-over-day change.

    Attributes:
        key: A or B.
        label: The partner's name, or "Partner A"/"Partner B" when de-identified.
        days: Figures per day number, in day order.
        total: Figures over the whole intensive.
        change: First day against last day; None for a one-day intensive.
    """

    key: PartnerKey
    label: str
    days: Mapping[int, PartnerFigures]
    total: PartnerFigures
    change: DayChange | None

    @property
    def days_without_observations(self) -> tuple[int, ...]:
        """Numbers of the days on which nothing was logged for this partner."""
        return tuple(number for number, f in self.days.items() if not f.observations)


@dataclass(frozen=True, slots=True)
class IntensiveSummary:
    """Both partners' summaries of one intensive.

    Attributes:
        intensive_id: The intensive's id in the vault, if it has one.
        flip_window_s: The flip window the figures were computed with.
        partners: Summary per partner key, A then B.
        deidentified: Whether the labels were replaced by "Partner A"/"Partner B".
    """

    intensive_id: int | None
    flip_window_s: int
    partners: Mapping[PartnerKey, PartnerSummary]
    deidentified: bool = False


def _all_blocks(intensive: Intensive) -> Iterable[Block]:
    return (block for day in intensive.days for block in day.blocks)


def summarize_intensive(
    intensive: Intensive,
    flip_window_s: int = DEFAULT_FLIP_WINDOW_S,
    deidentify: bool = False,
) -> IntensiveSummary:
    """Compute every partner's figures for an intensive, by day and in total.

    Args:
        intensive: The intensive to summarize.
        flip_window_s: The most seconds a flip may take (inclusive).
        deidentify: Label partners "Partner A"/"Partner B" instead of by name,
            as the supervision report requires.

    Returns:
        The summary. The change compares the first day in ``intensive.days``
        with the last, and is None when there is only one day.

    Raises:
        ValueError: If ``flip_window_s`` is negative.
    """
    blocks = tuple(_all_blocks(intensive))
    partners: dict[PartnerKey, PartnerSummary] = {}
    for key in PartnerKey:
        days = {
            day.number: partner_figures(day.blocks, key, flip_window_s) for day in intensive.days
        }
        change = None
        if len(intensive.days) > 1:
            first, last = intensive.days[0], intensive.days[-1]
            change = day_change(days[first.number], days[last.number], first.number, last.number)
        label = f"Partner {key}" if deidentify else intensive.couple.partner(key).name
        partners[key] = PartnerSummary(
            key=key,
            label=label,
            days=frozen_mapping(days),
            total=partner_figures(blocks, key, flip_window_s),
            change=change,
        )
    return IntensiveSummary(
        intensive_id=intensive.id,
        flip_window_s=flip_window_s,
        partners=frozen_mapping(partners),
        deidentified=deidentify,
    )

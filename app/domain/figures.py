"""One partner's figures over any set of blocks: this block, this day, the whole intensive.

The live screen needs figures for "this block" and "this day", the reports
for each day and the whole intensive; all of them come from
:func:`partner_figures`, so the numbers a clinician sees during the session
are the numbers in the PDF. :func:`figure_values` flattens them into named
rows, the single list of "every figure" that comparisons and formatters share.

The n/a rule lives here, in :func:`has_basis`, and every output goes through
it by reading figures from :func:`figure_values`: a figure with no basis is
None (printed "n/a") and is never compared. Zero observations of a partner
on a day leave every figure about their stances without a basis, counts
included: "0 one-up" or "0.0 % same-as" on a day with nothing logged would
read as a finding. The observation count and the joint minutes (a fact of
the schedule) always have one. The raw mappings of :class:`PartnerFigures`
keep 0.0 so that a chart can still draw an empty bar.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from crucible.app.domain.block_tally import (
    BOUNDARIES,
    STANCES,
    STRATEGIES,
    Tally,
    block_tally,
    total,
)
from crucible.app.domain.flips import DEFAULT_FLIP_WINDOW_S
from crucible.app.domain.intensive import Block
from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy

_K = TypeVar("_K")
_V = TypeVar("_V")


def frozen_mapping(mapping: dict[_K, _V]) -> Mapping[_K, _V]:
    """Wrap a dict read-only, so a frozen figure cannot be changed through its mappings."""
    return MappingProxyType(mapping)


@dataclass(frozen=True, slots=True)
class PartnerFigures:
    """One partner's figures over a set of blocks.

    Every mapping holds every member of its enum, zero counts included, so
    that tables for different days line up row for row.

    Attributes:
        observations: How many observations of this partner.
        counts: Observations per stance.
        shares: ``counts / observations``; all 0.0 when there are none (raw:
            :func:`figure_values` turns those into None).
        flips_up: Flips from one-down to one-up (see :mod:`app.domain.flips`).
        flips_down: Flips from one-up to one-down.
        stance_minutes: Minutes per stance under the stance-time rule.
        stance_time_shares: ``stance_minutes / covered_minutes``; all 0.0 when
            no time is covered.
        mean_intensity: Mean intensity, or None without observations.
        mean_intensity_by_stance: Mean intensity per stance, None for a stance
            never observed.
        strategies: Tally of losing strategies tagged on the observations.
        boundaries: Tally of boundary readings (observations without one are
            not counted).
        joint_minutes: Total minutes of the joint blocks among the blocks
            (the same for both partners).
        flips_per_hour: Flips (up and down) this partner made in joint blocks,
            per hour of joint time; None without a basis: no joint time, or
            nothing logged for this partner in a joint block (a rate of 0.00
            would then describe the log, not the partner).
        covered_minutes: Minutes in which the partner had a known stance
            (from their first observation in each block to its end); the
            stance minutes add up to this.
        joint_flips: Flips (up and down) made in joint blocks, the numerator
            of ``flips_per_hour``.
    """

    observations: int
    counts: Mapping[Stance, int]
    shares: Mapping[Stance, float]
    flips_up: int
    flips_down: int
    stance_minutes: Mapping[Stance, float]
    stance_time_shares: Mapping[Stance, float]
    mean_intensity: float | None
    mean_intensity_by_stance: Mapping[Stance, float | None]
    strategies: Mapping[Strategy, int]
    boundaries: Mapping[Boundary, int]
    joint_minutes: float
    flips_per_hour: float | None
    covered_minutes: float
    joint_flips: int

    @property
    def flips(self) -> int:
        """All flips, up and down, in any kind of block."""
        return self.flips_up + self.flips_down


def _minutes(duration: timedelta) -> float:
    return duration.total_seconds() / 60


def partner_figures(
    blocks: Sequence[Block],
    partner: PartnerKey,
    flip_window_s: int = DEFAULT_FLIP_WINDOW_S,
) -> PartnerFigures:
    """Compute one partner's figures over any set of blocks.

    Flips per hour counts only flips made in joint blocks and divides by the
    hours of joint time. Joint sessions are where the couple meets and where
    the shame-to-grandiosity bounce is provoked by the other partner; an
    individual session is one person with the therapist, with a different
    pace and purpose. Mixing the two would make a day with a long individual
    session look calmer than it was. The plain ``flips_up`` and ``flips_down``
    still count flips in every block.

    Args:
        blocks: The blocks to cover: one block, one day's, or all of them.
        partner: Whose figures to compute.
        flip_window_s: The most seconds a flip may take (inclusive).

    Returns:
        The partner's figures.

    Raises:
        ValueError: If ``flip_window_s`` is negative.
    """
    return figures_of(total(block_tally(block, partner, flip_window_s) for block in blocks))


def figures_of(tally: Tally) -> PartnerFigures:
    """The figures of a partner's sums over some blocks: divisions made once, at the end.

    ``figures_of(total(block_tally(b, ...) for b in blocks))`` is
    :func:`partner_figures` (it is how that function works), so callers
    that keep per-block sums themselves (the live summary) get the same
    numbers as the report.
    """
    observations = sum(tally.counts)
    counts = dict(zip(STANCES, tally.counts, strict=True))
    durations = dict(zip(STANCES, tally.durations, strict=True))
    covered = sum(tally.durations, timedelta(0))  # the spans tile the covered time
    covered_seconds = covered.total_seconds()
    joint_minutes = _minutes(tally.joint_time)
    rate_has_basis = joint_minutes > 0 and tally.observed_in_joint
    return PartnerFigures(
        observations=observations,
        counts=frozen_mapping(counts),
        shares=frozen_mapping(
            {s: counts[s] / observations if observations else 0.0 for s in STANCES}
        ),
        flips_up=tally.flips_up,
        flips_down=tally.flips_down,
        stance_minutes=frozen_mapping({s: _minutes(d) for s, d in durations.items()}),
        stance_time_shares=frozen_mapping(
            {
                s: d.total_seconds() / covered_seconds if covered_seconds else 0.0
                for s, d in durations.items()
            }
        ),
        mean_intensity=sum(tally.intensity_sums) / observations if observations else None,
        mean_intensity_by_stance=frozen_mapping(
            {
                s: intensity / n if n else None
                for s, n, intensity in zip(STANCES, tally.counts, tally.intensity_sums, strict=True)
            }
        ),
        strategies=frozen_mapping(dict(zip(STRATEGIES, tally.strategies, strict=True))),
        boundaries=frozen_mapping(dict(zip(BOUNDARIES, tally.boundaries, strict=True))),
        joint_minutes=joint_minutes,
        flips_per_hour=tally.joint_flips / (joint_minutes / 60) if rate_has_basis else None,
        covered_minutes=_minutes(covered),
        joint_flips=tally.joint_flips,
    )


class FigureUnit(StrEnum):
    """What kind of number a figure is, so formatters round and label it alike."""

    COUNT = "count"
    SHARE = "share"
    MINUTES = "minutes"
    INTENSITY = "intensity"
    RATE = "per-hour"


@dataclass(frozen=True, slots=True)
class FigureValue:
    """One named figure of a :class:`PartnerFigures`, flattened for tables and comparisons.

    Attributes:
        name: Stable key, e.g. ``"share.same-as"``; used in JSON.
        label: Human wording for a table row.
        unit: What kind of number it is.
        value: The number, or None where it has no basis (see :func:`has_basis`).
    """

    name: str
    label: str
    unit: FigureUnit
    value: float | None


ALWAYS_BASED: frozenset[str] = frozenset({"observations", "joint_minutes", "covered_minutes"})
"""Figures that rest on the log or the schedule itself, so they always have a basis."""


def has_basis(name: str, figures: PartnerFigures) -> bool:
    """The n/a rule: whether the figure with this stable name rests on anything logged.

    Args:
        name: A stable figure name, as in :class:`FigureValue` (``"share.same-as"``).
        figures: The figures it belongs to.

    Returns:
        False when the figure would describe an empty log rather than the
        partner: anything about their stances with no observations, a share
        of time with no time covered, a rate or mean with nothing to divide.
    """
    if name in ALWAYS_BASED:
        return True
    if not figures.observations:
        return False
    if name.startswith("time_share."):
        return figures.covered_minutes > 0
    return True


def figure_values(figures: PartnerFigures) -> tuple[FigureValue, ...]:
    """Flatten figures into named rows, in the order a report shows them, n/a rule applied.

    This is the single list of "every figure", so the day-over-day change,
    the JSON, the text table and the PDFs can never disagree about which rows
    exist or which of them have no basis (value None, see :func:`has_basis`).
    """
    rows: list[FigureValue] = []

    def add(name: str, label: str, unit: FigureUnit, value: float | None) -> None:
        rows.append(FigureValue(name, label, unit, value if has_basis(name, figures) else None))

    add("observations", "Observations", FigureUnit.COUNT, figures.observations)
    for s in Stance:
        add(f"count.{s}", s.capitalize(), FigureUnit.COUNT, figures.counts[s])
    for s in Stance:
        add(f"share.{s}", f"{s.capitalize()} share", FigureUnit.SHARE, figures.shares[s])
    add("flips_up", "Flips up (shame to grandiosity)", FigureUnit.COUNT, figures.flips_up)
    add("flips_down", "Flips down (collapse)", FigureUnit.COUNT, figures.flips_down)
    for s in Stance:
        minutes = figures.stance_minutes[s]
        add(f"minutes.{s}", f"{s.capitalize()} minutes", FigureUnit.MINUTES, minutes)
    for s in Stance:
        share = figures.stance_time_shares[s]
        add(f"time_share.{s}", f"{s.capitalize()} share of time", FigureUnit.SHARE, share)
    add("mean_intensity", "Mean intensity", FigureUnit.INTENSITY, figures.mean_intensity)
    for s in Stance:
        mean = figures.mean_intensity_by_stance[s]
        add(f"mean_intensity.{s}", f"{s.capitalize()} mean intensity", FigureUnit.INTENSITY, mean)
    for strategy in Strategy:
        label = f"Strategy: {strategy.replace('-', ' ')}"
        add(f"strategy.{strategy}", label, FigureUnit.COUNT, figures.strategies[strategy])
    for boundary in Boundary:
        label = f"Boundary: {boundary}"
        add(f"boundary.{boundary}", label, FigureUnit.COUNT, figures.boundaries[boundary])
    add("joint_minutes", "Joint minutes", FigureUnit.MINUTES, figures.joint_minutes)
    add("flips_per_hour", "Flips per joint hour", FigureUnit.RATE, figures.flips_per_hour)
    return tuple(rows)

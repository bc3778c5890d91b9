"""Targets for the hours: presets as data, and how many logged hours a board would accept.

Programmes and boards differ, and their rules change, so the rules are a
data file (``resources/hours-presets.json``, each preset with its source;
docs/hours.md), not code. A preset is a set of categories, each a number of
required hours of one measure (contact, relational, supervision, ...), and
at most one ratio rule: contact hours claimable per supervision hour, over
the whole period or week by week. A "custom" target carries its own
categories and ratio in the same shape.

Claimable, under a ratio: contact beyond ``ratio × supervision`` (in the
period, or in each ISO week) cannot be claimed. Relational contact is
claimed first, since it is the scarcer requirement; only contact
categories are capped. Without a ratio everything logged is claimable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final

from crucible.app.domain.hours import (
    ContactKind,
    ContactMinutes,
    ContactPiece,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
    contact_minutes,
    supervision_minutes,
    week_of,
)
from crucible.app.domain.resource_files import resource

PRESETS_FORMAT: Final = "crucible.hours-presets/1"
CUSTOM: Final = "custom"


class Measure(StrEnum):
    """What a category counts."""

    CONTACT_TOTAL = "contact_total"
    CONTACT_RELATIONAL = "contact_relational"
    CONTACT_INDIVIDUAL = "contact_individual"
    SUPERVISION_TOTAL = "supervision_total"
    SUPERVISION_INDIVIDUAL = "supervision_individual"
    SUPERVISION_GROUP = "supervision_group"
    SUPERVISION_OBSERVABLE = "supervision_observable"

    @property
    def is_contact(self) -> bool:
        """Whether a ratio rule caps it."""
        return self.value.startswith("contact")


class RatioPeriod(StrEnum):
    """Over what stretch a ratio rule compares contact with supervision."""

    PERIOD = "period"
    WEEK = "week"


@dataclass(frozen=True, slots=True)
class Ratio:
    """Contact hours claimable per hour of supervision, over the period or per week."""

    contact_per_supervision: float
    per: RatioPeriod


@dataclass(frozen=True, slots=True)
class Category:
    """One requirement: so many hours of one measure."""

    id: str
    label: str
    hours: float
    measure: Measure


@dataclass(frozen=True, slots=True)
class Preset:
    """A programme's or board's requirements, with where they come from."""

    id: str
    name: str
    source: str
    categories: tuple[Category, ...] = ()
    ratio: Ratio | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """The preset the trainee chose, and the dates its hours may fall between."""

    preset: Preset
    starts: date | None = None
    ends: date | None = None

    def holds(self, on: date) -> bool:
        """Whether hours on ``on`` count toward the target."""
        return (self.starts is None or on >= self.starts) and (self.ends is None or on <= self.ends)


class PresetError(ValueError):
    """A preset file or a custom target that does not describe a target; the message says why."""


def parse_presets(text: str) -> tuple[Preset, ...]:
    """The presets of a ``crucible.hours-presets/1`` document."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        raise PresetError("The hours presets are not JSON.") from None
    if not isinstance(document, dict) or document.get("format") != PRESETS_FORMAT:
        raise PresetError(f"The hours presets are not a {PRESETS_FORMAT} document.")
    presets = tuple(preset_from(item) for item in document.get("presets", []))
    if len({preset.id for preset in presets}) != len(presets) or any(
        preset.id == CUSTOM for preset in presets
    ):
        raise PresetError("The hours presets repeat an id or use the reserved id 'custom'.")
    return presets


def preset_from(item: Any) -> Preset:
    """One preset (or a custom target) from its JSON object."""
    if not isinstance(item, dict):
        raise PresetError("A preset must be a JSON object.")
    try:
        categories = tuple(
            Category(
                id=str(category["id"]),
                label=str(category["label"]),
                hours=_hours(category["hours"]),
                measure=Measure(category["counts"]),
            )
            for category in item.get("categories", [])
        )
        ratio_item = item.get("ratio")
        ratio = None
        if ratio_item is not None:
            ratio = Ratio(
                _hours(ratio_item["contact_hours_per_supervision_hour"]),
                RatioPeriod(ratio_item["per"]),
            )
            if ratio.contact_per_supervision <= 0:
                raise PresetError(
                    "A ratio must allow more than 0 contact hours per supervision hour."
                )
        return Preset(
            str(item["id"]), str(item["name"]), str(item.get("source", "")), categories, ratio
        )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, PresetError):
            raise
        raise PresetError("A preset lacks a field or holds a value of the wrong kind.") from None


def preset_as_json(preset: Preset) -> dict[str, Any]:
    """The JSON object :func:`preset_from` reads back: how a custom target is stored."""
    return {
        "id": preset.id,
        "name": preset.name,
        "source": preset.source,
        "categories": [
            {"id": c.id, "label": c.label, "hours": c.hours, "counts": c.measure.value}
            for c in preset.categories
        ],
        "ratio": None
        if preset.ratio is None
        else {
            "contact_hours_per_supervision_hour": preset.ratio.contact_per_supervision,
            "per": preset.ratio.per.value,
        },
    }


def _hours(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100_000:
        raise PresetError("Hours must be a number from 0 to 100,000.")
    return float(value)


def shipped_presets() -> tuple[Preset, ...]:
    """The presets in ``resources/hours-presets.json``."""
    return parse_presets(resource("hours-presets.json").read_text(encoding="utf-8"))


def find_preset(presets: Sequence[Preset], preset_id: str) -> Preset:
    """The preset named ``preset_id``, or :class:`PresetError` naming the ones there are."""
    for preset in presets:
        if preset.id == preset_id:
            return preset
    known = ", ".join([preset.id for preset in presets] + [CUSTOM])
    raise PresetError(f"There is no hours target preset {preset_id!r}; choose one of: {known}.")


@dataclass(frozen=True, slots=True)
class Claimable:
    """Contact a board would accept under the ratio, beside what was logged."""

    relational: int
    individual: int

    @property
    def total(self) -> int:
        """Relational and individual together."""
        return self.relational + self.individual


def claimable(
    pieces: Iterable[ContactPiece], supervision: Iterable[SupervisionEntry], ratio: Ratio | None
) -> Claimable:
    """Claimable contact minutes of the pieces under ``ratio`` (relational claimed first)."""
    pieces = list(pieces)
    supervision = list(supervision)
    if ratio is None:
        logged = contact_minutes(pieces)
        return Claimable(logged.relational, logged.individual)
    if ratio.per is RatioPeriod.PERIOD:
        return capped(contact_minutes(pieces), supervision_minutes(supervision).total, ratio)
    contact_by_week: dict[date, list[ContactPiece]] = {}
    for piece in pieces:
        contact_by_week.setdefault(week_of(piece.on), []).append(piece)
    supervised: dict[date, int] = {}
    for entry in supervision:
        week = week_of(entry.on)
        supervised[week] = supervised.get(week, 0) + entry.minutes
    relational = individual = 0
    for week, week_pieces in contact_by_week.items():
        week_claim = capped(contact_minutes(week_pieces), supervised.get(week, 0), ratio)
        relational += week_claim.relational
        individual += week_claim.individual
    return Claimable(relational, individual)


def capped(logged: ContactMinutes, supervision_total: int, ratio: Ratio) -> Claimable:
    """``logged`` cut to ``ratio × supervision_total``, relational first."""
    cap = int(supervision_total * ratio.contact_per_supervision)
    relational = min(logged.relational, cap)
    individual = min(logged.individual, cap - relational)
    return Claimable(relational, individual)


@dataclass(frozen=True, slots=True)
class CategoryProgress:
    """One category of a target: required, logged and claimable minutes."""

    category: Category
    logged: int
    claimable: int

    @property
    def required(self) -> int:
        """The category's hours, in minutes."""
        return round(self.category.hours * 60)

    @property
    def fraction(self) -> float:
        """Claimable over required, at most 1 (a category of 0 hours is met)."""
        return 1.0 if self.required == 0 else min(1.0, self.claimable / self.required)


def progress(
    target: Target,
    pieces: Iterable[ContactPiece],
    supervision: Iterable[SupervisionEntry],
    *,
    until: date | None = None,
) -> tuple[CategoryProgress, ...]:
    """Each category's progress from the target's start up to ``until`` (inclusive)."""
    return running_progress(target, pieces, supervision, [until])[0]


def running_progress(
    target: Target,
    pieces: Iterable[ContactPiece],
    supervision: Iterable[SupervisionEntry],
    checkpoints: Sequence[date | None],
) -> list[tuple[CategoryProgress, ...]]:
    """:func:`progress` at each checkpoint (None: everything), in one pass over the days.

    The week-by-week table asks for the running totals at the end of every
    week; asking :func:`progress` once per week would read every entry once
    per week, which a ten-year practice cannot afford (bench/hours.py).
    """
    days = {on: row for on, row in day_totals(pieces, supervision).items() if target.holds(on)}
    return running_from_days(target, days, checkpoints)


DayTotals = dict[date, list[int]]
"""Per date: relational, individual, supervision individual, group, observable minutes."""


def day_totals(
    pieces: Iterable[ContactPiece], supervision: Iterable[SupervisionEntry]
) -> DayTotals:
    """Every date's minutes, in one pass: what the running totals and the weeks are built from."""
    days: DayTotals = {}
    relational = ContactKind.RELATIONAL
    for piece in pieces:
        row = days.get(piece.on)
        if row is None:
            row = days[piece.on] = [0, 0, 0, 0, 0]
        row[0 if piece.kind is relational else 1] += piece.minutes
    group, none = SupervisionFormat.GROUP, ObservableData.NONE
    for entry in supervision:
        row = days.get(entry.on)
        if row is None:
            row = days[entry.on] = [0, 0, 0, 0, 0]
        row[3 if entry.format is group else 2] += entry.minutes
        if entry.observable is not none:
            row[4] += entry.minutes
    return days


def running_from_days(
    target: Target, days: DayTotals, checkpoints: Sequence[date | None]
) -> list[tuple[CategoryProgress, ...]]:
    """:func:`running_progress` from day totals already limited to the target's dates."""
    ordered_days = sorted(days)
    ratio = target.preset.ratio
    totals = [0, 0, 0, 0, 0]
    done = Claimable(0, 0)  # claimed in the weeks before the current one (weekly ratio)
    week: list[int] = [0, 0, 0]  # the current week's relational, individual, supervision
    current: date | None = None
    answers: dict[date | None, tuple[CategoryProgress, ...]] = {}
    position = 0
    for checkpoint in sorted(set(checkpoints), key=lambda c: (c is None, c or date.min)):
        while position < len(ordered_days) and (
            checkpoint is None or ordered_days[position] <= checkpoint
        ):
            on = ordered_days[position]
            row = days[on]
            if week_of(on) != current:
                if current is not None and ratio is not None:
                    claimed = capped(ContactMinutes(week[0], week[1]), week[2], ratio)
                    done = Claimable(
                        done.relational + claimed.relational, done.individual + claimed.individual
                    )
                current, week = week_of(on), [0, 0, 0]
            for index in range(5):
                totals[index] += row[index]
            week[0] += row[0]
            week[1] += row[1]
            week[2] += row[2] + row[3]
            position += 1
        logged_contact = ContactMinutes(totals[0], totals[1])
        if ratio is None:
            claim = Claimable(totals[0], totals[1])
        elif ratio.per is RatioPeriod.PERIOD:
            claim = capped(logged_contact, totals[2] + totals[3], ratio)
        else:
            this_week = capped(ContactMinutes(week[0], week[1]), week[2], ratio)
            claim = Claimable(
                done.relational + this_week.relational, done.individual + this_week.individual
            )
        answers[checkpoint] = _category_progress(target, logged_contact, totals, claim)
    return [answers[checkpoint] for checkpoint in checkpoints]


def _category_progress(
    target: Target, contact: ContactMinutes, totals: Sequence[int], claim: Claimable
) -> tuple[CategoryProgress, ...]:
    supervision = {
        Measure.SUPERVISION_TOTAL: totals[2] + totals[3],
        Measure.SUPERVISION_INDIVIDUAL: totals[2],
        Measure.SUPERVISION_GROUP: totals[3],
        Measure.SUPERVISION_OBSERVABLE: totals[4],
    }
    logged = {
        Measure.CONTACT_TOTAL: contact.total,
        Measure.CONTACT_RELATIONAL: contact.relational,
        Measure.CONTACT_INDIVIDUAL: contact.individual,
        **supervision,
    }
    claimed = {
        Measure.CONTACT_TOTAL: claim.total,
        Measure.CONTACT_RELATIONAL: claim.relational,
        Measure.CONTACT_INDIVIDUAL: claim.individual,
        **supervision,
    }
    return tuple(
        CategoryProgress(category, logged[category.measure], claimed[category.measure])
        for category in target.preset.categories
    )


@dataclass(frozen=True, slots=True)
class CustomTarget:
    """What a trainee types for a custom target: hours per measure and an optional ratio."""

    hours: Mapping[Measure, float] = field(default_factory=dict)
    ratio: Ratio | None = None

    def preset(self) -> Preset:
        """The custom target as a preset, one category per measure given."""
        categories = tuple(
            Category(measure.value, measure.value.replace("_", " ").capitalize(), hours, measure)
            for measure, hours in self.hours.items()
        )
        return Preset(CUSTOM, "Custom target", "set by the trainee", categories, self.ratio)

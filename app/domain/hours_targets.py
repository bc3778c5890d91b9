"""Targets for the hours: presets as data, and how many logged hours a board would accept.

Programmes and boards differ, and their rules change, so the rules are a
data file (``resources/hours-presets.json``, each preset with its source;
docs/hours.md), not code. A preset is a set of categories, each a number of
required hours of one measure (contact, relational, supervision, ...), and
at most one ratio rule: contact hours claimable per supervision unit, over
the whole period, week by week, or week by week within each setting. A
"custom" target carries its own categories and ratio in the same shape.

Claimable, under a ratio: contact beyond ``ratio × supervision units``
(in the period, in each ISO week, or in each week within each setting)
cannot be claimed. A unit is an hour of individual supervision or
``group_hours_per_unit`` hours of group supervision (California: two).
Relational contact is claimed first, since it is the scarcer
requirement; only contact categories are capped. Without a ratio
everything logged is claimable.

Per setting and week (:func:`week_claim`): supervision naming a setting
counts toward that setting's contact only; supervision naming none is
one pool for the week, counted once, toward whatever contact the named
supervision left unclaimed (relational first). With no setting named
anywhere, the rule gives exactly the weekly rule's numbers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final

from crucible.app.domain.hours import (
    NO_SETTING,
    ContactKind,
    ContactMinutes,
    ContactPiece,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
    contact_minutes,
    setting_key,
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
    SETTING_WEEK = "setting-week"
    """Each ISO week, within each setting (California's "in each setting")."""

    @property
    def is_weekly(self) -> bool:
        """Whether each week is capped by its own supervision."""
        return self is not RatioPeriod.PERIOD


MAX_GROUP_HOURS_PER_UNIT: Final = 10


@dataclass(frozen=True, slots=True)
class Ratio:
    """Contact hours claimable per unit of supervision, over the period, per week or setting."""

    contact_per_supervision: float
    per: RatioPeriod
    group_hours_per_unit: float = 1.0
    """Hours of group supervision that make one unit (an hour of individual makes one)."""

    def cap(self, individual: int, group: int) -> int:
        """The contact minutes ``individual`` and ``group`` supervision minutes allow.

        Rounded down to the minute; the small tolerance keeps a product
        such as 45 × 5 from landing on 224.999… in binary floating point.
        """
        units = individual + group / self.group_hours_per_unit
        return math.floor(units * self.contact_per_supervision + 1e-6)


_RATIO_PER_WORDS: Final = {
    RatioPeriod.PERIOD: "over the target's period",
    RatioPeriod.WEEK: "in each week",
    RatioPeriod.SETTING_WEEK: "in each week, within each setting",
}


def ratio_sentence(ratio: Ratio) -> str:
    """The rule in words, as the Hours window and the PDF state it."""
    unit = (
        "hour of supervision"
        if ratio.group_hours_per_unit == 1
        else "unit of supervision (an hour individual or "
        f"{ratio.group_hours_per_unit:g} hours in a group)"
    )
    return (
        f"Contact is claimable up to {ratio.contact_per_supervision:g} hours per {unit} "
        f"{_RATIO_PER_WORDS[ratio.per]}."
    )


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
                _hours(ratio_item.get("group_hours_per_unit", 1)),
            )
            if ratio.contact_per_supervision <= 0:
                raise PresetError(
                    "A ratio must allow more than 0 contact hours per supervision hour."
                )
            if not 1 <= ratio.group_hours_per_unit <= MAX_GROUP_HOURS_PER_UNIT:
                raise PresetError(
                    "A ratio's group hours per supervision unit must be from 1 to "
                    f"{MAX_GROUP_HOURS_PER_UNIT}."
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
            "group_hours_per_unit": preset.ratio.group_hours_per_unit,
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
        supervised = supervision_minutes(supervision)
        return capped(contact_minutes(pieces), ratio.cap(supervised.individual, supervised.group))
    by_week: dict[date, WeekTally] = {}
    for on, rows in setting_day_totals(pieces, supervision).items():
        add_rows(by_week.setdefault(week_of(on), {}), rows)
    relational = individual = 0
    for tally in by_week.values():
        claimed = week_claim(tally, ratio)
        relational += claimed.relational
        individual += claimed.individual
    return Claimable(relational, individual)


def capped(logged: ContactMinutes, cap: int) -> Claimable:
    """``logged`` cut to ``cap`` minutes, relational first."""
    relational = min(logged.relational, cap)
    individual = min(logged.individual, cap - relational)
    return Claimable(relational, individual)


SettingRows = dict[str, list[int]]
"""Per setting (:func:`~app.domain.hours.setting_key`): relational, individual,
supervision individual and group minutes."""

WeekTally = SettingRows
"""A week's :data:`SettingRows`, summed over its days so far."""

SettingDays = dict[date, SettingRows]
"""Every date's :data:`SettingRows`: what the per-setting weekly rule reads."""


def setting_day_totals(
    pieces: Iterable[ContactPiece], supervision: Iterable[SupervisionEntry]
) -> SettingDays:
    """Every date's minutes per setting, in one pass (only a per-setting ratio needs them)."""
    days: SettingDays = {}
    relational = ContactKind.RELATIONAL
    for piece in pieces:
        rows = days.setdefault(piece.on, {})
        row = rows.setdefault(setting_key(piece.setting), [0, 0, 0, 0])
        row[0 if piece.kind is relational else 1] += piece.minutes
    group = SupervisionFormat.GROUP
    for entry in supervision:
        rows = days.setdefault(entry.on, {})
        row = rows.setdefault(setting_key(entry.setting), [0, 0, 0, 0])
        row[3 if entry.format is group else 2] += entry.minutes
    return days


def add_rows(tally: WeekTally, rows: SettingRows) -> None:
    """Add one date's rows to a week's tally."""
    for setting, row in rows.items():
        sums = tally.get(setting)
        if sums is None:
            tally[setting] = list(row)
        else:
            for column in range(4):
                sums[column] += row[column]


def week_claim(tally: WeekTally, ratio: Ratio) -> Claimable:
    """One week's claimable contact under a weekly ratio (either kind).

    ``week``: the week's contact against all its supervision. ``setting-week``:
    each setting's contact against the supervision naming it; then the
    supervision naming no setting, once, against what is left unclaimed
    anywhere (relational first, as everywhere).
    """
    if ratio.per is not RatioPeriod.SETTING_WEEK:
        totals = [0, 0, 0, 0]
        for row in tally.values():
            for column in range(4):
                totals[column] += row[column]
        return capped(ContactMinutes(totals[0], totals[1]), ratio.cap(totals[2], totals[3]))
    relational = individual = left_relational = left_individual = 0
    for setting, row in tally.items():
        own = 0 if setting == NO_SETTING else ratio.cap(row[2], row[3])
        claim = capped(ContactMinutes(row[0], row[1]), own)
        relational += claim.relational
        individual += claim.individual
        left_relational += row[0] - claim.relational
        left_individual += row[1] - claim.individual
    unnamed = tally.get(NO_SETTING)
    pool = 0 if unnamed is None else ratio.cap(unnamed[2], unnamed[3])
    from_pool = capped(ContactMinutes(left_relational, left_individual), pool)
    return Claimable(relational + from_pool.relational, individual + from_pool.individual)


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
    pieces, supervision = list(pieces), list(supervision)
    days = {on: row for on, row in day_totals(pieces, supervision).items() if target.holds(on)}
    return running_from_days(target, days, checkpoints, settings_for(target, pieces, supervision))


def settings_for(
    target: Target, pieces: Iterable[ContactPiece], supervision: Iterable[SupervisionEntry]
) -> SettingDays | None:
    """The per-setting day totals when the target's ratio reads them, else None (not built)."""
    ratio = target.preset.ratio
    if ratio is None or ratio.per is not RatioPeriod.SETTING_WEEK:
        return None
    return setting_day_totals(pieces, supervision)


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
    target: Target,
    days: DayTotals,
    checkpoints: Sequence[date | None],
    settings: SettingDays | None = None,
) -> list[tuple[CategoryProgress, ...]]:
    """:func:`running_progress` from day totals already limited to the target's dates.

    ``settings`` (:func:`settings_for`) must be given for a per-setting
    ratio; only the dates in ``days`` are read from it.
    """
    ordered_days = sorted(days)
    ratio = target.preset.ratio
    if ratio is not None and ratio.per is RatioPeriod.SETTING_WEEK and settings is None:
        raise ValueError("a per-setting ratio needs the per-setting day totals")
    weekly = ratio if ratio is not None and ratio.per.is_weekly else None
    totals = [0, 0, 0, 0, 0]
    done = Claimable(0, 0)  # claimed in the weeks before the current one (weekly ratio)
    tally: WeekTally = {}  # the current week's minutes, per setting when the ratio asks
    tally_claim: Claimable | None = None  # its claim, until another day is added
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
                if current is not None and weekly is not None:
                    claimed = week_claim(tally, weekly) if tally_claim is None else tally_claim
                    done = Claimable(
                        done.relational + claimed.relational, done.individual + claimed.individual
                    )
                current, tally = week_of(on), {}
            for index in range(5):
                totals[index] += row[index]
            if weekly is not None:
                add_rows(tally, settings[on] if settings is not None else {NO_SETTING: row[:4]})
                tally_claim = None
            position += 1
        logged_contact = ContactMinutes(totals[0], totals[1])
        if ratio is None:
            claim = Claimable(totals[0], totals[1])
        elif ratio.per is RatioPeriod.PERIOD:
            claim = capped(logged_contact, ratio.cap(totals[2], totals[3]))
        else:
            if tally_claim is None:  # a week end's claim is asked again when the week rolls
                tally_claim = week_claim(tally, ratio) if tally else Claimable(0, 0)
            this_week = tally_claim
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

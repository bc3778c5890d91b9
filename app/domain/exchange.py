"""The intensive exchange format, versions 1 and 1.1: validate a document, and write one back.

Validation names the JSON path of the first problem, as the format page
asks (`intensive.days[0].blocks[2].observations[17].stance: 'one-upp' is not
one of one-up, same-as, one-down`), and builds domain objects only once the
whole document is known good, so an import is all or nothing.

Version 1.1 adds, per block, when it actually ran (``actual_start`` and
``actual_end``, each optional) beside the plan; a version 1 document has no
such fields and its plan is what ran. Writing picks 1.1 only when some block
has a recorded run, so intensives without one stay readable by builds that
know only version 1. docs/exchange-format.md describes the whole format.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from datetime import date, datetime, timedelta, tzinfo
from enum import Enum
from typing import Any, NoReturn, TypeVar, cast

from crucible.app.domain.block_span import MARGIN_DAYS, observation_window
from crucible.app.domain.intensive import (
    Addendum,
    Block,
    BlockNote,
    Couple,
    Day,
    Intensive,
    NoteSection,
    Observation,
    Partner,
)
from crucible.app.domain.text_rules import is_blank, line_problem, text_problem
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy

FORMAT_V1 = "crucible.intensive/1"
FORMAT_V1_1 = "crucible.intensive/1.1"
FORMATS = (FORMAT_V1, FORMAT_V1_1)
"""The versions this build reads; it writes the lowest one that holds the intensive."""
MAX_DAYS = 7
# A block runs on its day: its planned start lies on the day's date, give or
# take MARGIN_DAYS for a session that crosses midnight, and no block (planned
# or as it ran) lasts longer than this. Together with the observation window
# this bounds every time a document can carry to a few days around its dates,
# so a report's cost follows its data, never a century of empty axis.
MAX_BLOCK_LENGTH = timedelta(hours=24)
# A run recorded on another date than the plan's ("log it as today") may lie
# this far from the plan, which covers a session rescheduled within a year.
MAX_RUN_SHIFT = timedelta(days=366)
FIRST_YEAR, LAST_YEAR = 1900, 2999
OBSERVATION_TEXT_FIELDS = ("trigger", "quote", "intervention", "response", "note")

E = TypeVar("E", Stance, Boundary, Strategy, BlockKind, PartnerKey)


class FormatError(ValueError):
    """A document that breaks a rule of the format; the message starts with the JSON path."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


def _fail(path: str, problem: str) -> NoReturn:
    raise FormatError(path, problem)


def _describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        _fail(path, f"expected an object, found {_describe(value)}")
    return value


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        _fail(path, f"expected a list, found {_describe(value)}")
    return value


def _string(
    doc: Mapping[str, Any],
    key: str,
    path: str,
    *,
    lo: int = 0,
    hi: int | None = None,
    default: str | None = None,
) -> str:
    where = f"{path}.{key}" if path else key
    if key not in doc:
        if default is not None:
            return default
        _fail(where, "is missing")
    value = doc[key]
    if not isinstance(value, str):
        _fail(where, f"expected a string, found {_describe(value)}")
    if len(value) < lo:
        _fail(where, "must not be empty" if lo == 1 else f"must be at least {lo} characters")
    if hi is not None and len(value) > hi:
        _fail(where, f"must be at most {hi} characters, found {len(value)}")
    problem = text_problem(value)
    if problem:
        _fail(where, problem)
    return value


def _line(doc: Mapping[str, Any], key: str, path: str, *, lo: int = 0, hi: int = 200) -> str:
    """A one-line field (a code, a name, a title): no control characters, not only spaces."""
    value = _string(doc, key, path, lo=lo, hi=hi)
    where = f"{path}.{key}" if path else key
    problem = line_problem(value)
    if problem:
        _fail(where, problem)
    if lo and is_blank(value):
        _fail(where, "must not be only spaces")
    return value


def _optional_string(doc: Mapping[str, Any], key: str, path: str, hi: int = 200) -> str | None:
    if doc.get(key) is None:
        return None
    return _line(doc, key, path, hi=hi)


@functools.cache
def _members(kind: type[Enum]) -> dict[str, Enum]:
    return {member.value: member for member in kind}


def _choice(value: object, kind: type[E], where: str) -> E:
    # Looked up in a dict made once per enum: called five times per observation,
    # building the "allowed" text every time was a tenth of a 200,000-row import.
    if isinstance(value, str):
        member = _members(kind).get(value)
        if member is not None:
            return cast(E, member)
    allowed = ", ".join(member.value for member in kind)
    _fail(where, f"{_describe(value)} is not one of {allowed}")


def _timestamp(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        _fail(where, f"expected an ISO 8601 time with offset, found {_describe(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        _fail(where, f"{_describe(value)} is not an ISO 8601 time")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        _fail(where, f"{_describe(value)} has no UTC offset")
    _within_years(parsed.year, value, where)
    return _in_shared_zone(parsed)


_ZONES: dict[tzinfo, tzinfo] = {}
MAX_SHARED_ZONES = 256
"""Offsets met (a clinic has a handful); beyond this many, times keep their own."""


def _in_shared_zone(moment: datetime) -> datetime:
    """The same time with one tzinfo object per offset.

    `fromisoformat` makes a new `timezone` for every value, and two datetimes
    with different tzinfo objects compare and subtract through both UTC
    offsets: checking an observation against its block's window took twice
    as long as parsing its time (issue 16). Equal offsets are equal
    timezones, so no value changes (as `crucible.app.store.types.aware_from_iso`
    does for stored times).
    """
    zone = moment.tzinfo
    assert zone is not None
    shared = _ZONES.get(zone)
    if shared is None:
        if len(_ZONES) >= MAX_SHARED_ZONES:
            return moment
        shared = _ZONES.setdefault(zone, zone)
    return moment if shared is zone else moment.replace(tzinfo=shared)


def _within_years(year: int, text: str, where: str) -> None:
    # Years at the calendar's ends overflow once an offset moves them to UTC.
    if not FIRST_YEAR <= year <= LAST_YEAR:
        _fail(where, f"{_describe(text)} is not between the years {FIRST_YEAR} and {LAST_YEAR}")


def _required(doc: Mapping[str, Any], key: str, path: str) -> Any:
    if key not in doc:
        _fail(f"{path}.{key}" if path else key, "is missing")
    return doc[key]


def parse_intensive(document: object) -> Intensive:
    """Validate a decoded JSON document and return the intensive it describes."""
    root = _object(document, "")
    fmt = root.get("format")
    if fmt not in FORMATS:
        _fail("format", f"{_describe(fmt)} is not {FORMAT_V1!r} or {FORMAT_V1_1!r}")
    couple = _parse_couple(_object(_required(root, "couple", ""), "couple"))
    body = _object(_required(root, "intensive", ""), "intensive")
    return _parse_intensive_body(body, couple, with_runs=fmt == FORMAT_V1_1)


def _parse_couple(doc: Mapping[str, Any]) -> Couple:
    code = _line(doc, "code", "couple", lo=1, hi=32)
    partners_doc = _list(_required(doc, "partners", "couple"), "couple.partners")
    if len(partners_doc) != 2:
        _fail("couple.partners", f"must list exactly two partners, found {len(partners_doc)}")
    partners = []
    for index, (raw, expected) in enumerate(zip(partners_doc, ("A", "B"), strict=True)):
        path = f"couple.partners[{index}]"
        item = _object(raw, path)
        key = _string(item, "key", path)
        if key != expected:
            _fail(f"{path}.key", f"must be {expected!r}, found {_describe(key)}")
        pronouns = item.get("pronouns")
        if pronouns is not None:
            pronouns = _line(item, "pronouns", path)
        partners.append(
            Partner(
                key=PartnerKey(key),
                name=_line(item, "name", path, lo=1, hi=200),
                pronouns=pronouns or "",
            )
        )
    return Couple(code=code, partners=(partners[0], partners[1]))


def _parse_intensive_body(doc: Mapping[str, Any], couple: Couple, *, with_runs: bool) -> Intensive:
    path = "intensive"
    title = _line(doc, "title", path, lo=1, hi=200)
    clinician = _line(doc, "clinician", path, hi=200)
    trainee = _optional_string(doc, "trainee", path)
    supervisor = _optional_string(doc, "supervisor", path)
    reflections = _string(doc, "reflections", path, default="")
    days_doc = _list(_required(doc, "days", path), "intensive.days")
    if not 1 <= len(days_doc) <= MAX_DAYS:
        _fail("intensive.days", f"must hold 1 to {MAX_DAYS} days, found {len(days_doc)}")
    days = tuple(_parse_day(raw, index, with_runs) for index, raw in enumerate(days_doc))
    for index in range(1, len(days)):
        if days[index].date <= days[index - 1].date:
            _fail(
                f"intensive.days[{index}].date",
                f"{days[index].date.isoformat()} must come after day {index}'s "
                f"{days[index - 1].date.isoformat()} (days are in date order)",
            )
    return Intensive(
        couple=couple,
        title=title,
        clinician=clinician,
        days=days,
        trainee=trainee,
        supervisor=supervisor,
        reflections=reflections,
    )


def _parse_day(raw: object, index: int, with_runs: bool) -> Day:
    path = f"intensive.days[{index}]"
    doc = _object(raw, path)
    number = _required(doc, "day", path)
    if not isinstance(number, int) or isinstance(number, bool) or number != index + 1:
        _fail(
            f"{path}.day",
            f"must be {index + 1} (days are numbered 1..n in order), found {_describe(number)}",
        )
    date_text = _string(doc, "date", path)
    try:
        day_date = date.fromisoformat(date_text)
    except ValueError:
        _fail(f"{path}.date", f"{_describe(date_text)} is not an ISO date (YYYY-MM-DD)")
    _within_years(day_date.year, date_text, f"{path}.date")
    blocks_doc = _list(_required(doc, "blocks", path), f"{path}.blocks")
    blocks = tuple(
        _parse_block(item, f"{path}.blocks[{i}]", with_runs) for i, item in enumerate(blocks_doc)
    )
    for i, block in enumerate(blocks):
        _check_on_its_day(block, day_date, f"{path}.blocks[{i}]")
    return Day(number=number, date=day_date, blocks=blocks)


def _check_on_its_day(block: Block, day_date: date, path: str) -> None:
    """Refuse a block planned away from its day, or one (planned or run) of absurd length."""
    local = block.start.date()  # in the block's own UTC offset, as the clinician wrote it
    if abs((local - day_date).days) > MARGIN_DAYS:
        _fail(
            f"{path}.start",
            f"is on {local.isoformat()}, not on its day's date {day_date.isoformat()} "
            f"(a block may start at most {MARGIN_DAYS} day away)",
        )
    if block.end is not None and block.end - block.start > MAX_BLOCK_LENGTH:
        _fail(f"{path}.end", "is more than 24 hours after the block's start")
    if block.actual_start is not None and abs(block.actual_start - block.start) > MAX_RUN_SHIFT:
        _fail(f"{path}.actual_start", "is more than a year away from the block's planned start")
    run_start = block.actual_start or block.start
    if block.actual_end is not None and block.actual_end - run_start > MAX_BLOCK_LENGTH:
        _fail(f"{path}.actual_end", "is more than 24 hours after the block's start")


def _optional_timestamp(doc: Mapping[str, Any], key: str, path: str) -> datetime | None:
    raw = doc.get(key)
    return None if raw is None else _timestamp(raw, f"{path}.{key}")


def _parse_block(raw: object, path: str, with_runs: bool) -> Block:
    doc = _object(raw, path)
    title = _line(doc, "title", path, lo=1, hi=200)
    kind = _choice(_required(doc, "kind", path), BlockKind, f"{path}.kind")
    start = _timestamp(_required(doc, "start", path), f"{path}.start")
    end = _optional_timestamp(doc, "end", path)
    if end is not None and end <= start:
        _fail(f"{path}.end", "must be after the block's start")
    actual_start = _optional_timestamp(doc, "actual_start", path) if with_runs else None
    actual_end = _optional_timestamp(doc, "actual_end", path) if with_runs else None
    if actual_start is not None and actual_end is not None and actual_end < actual_start:
        _fail(f"{path}.actual_end", "must not be before the block's actual_start")
    note = _parse_note(doc.get("note"), f"{path}.note")
    planned = Block(
        title=title,
        kind=kind,
        start=start,
        end=end,
        note=note,
        actual_start=actual_start,
        actual_end=actual_end,
    )
    window = observation_window(planned)
    obs_doc = _list(doc.get("observations", []), f"{path}.observations")
    observations = []
    for i, item in enumerate(obs_doc):
        observation = _plain_observation(item, window)
        if observation is None:  # something to refuse, or to look at closely: the full check
            observation = _parse_observation(item, f"{path}.observations[{i}]", window)
        observations.append(observation)
    return dataclasses.replace(planned, observations=tuple(observations))


def _parse_note(raw: object, path: str) -> BlockNote:
    if raw is None:
        return BlockNote()
    doc = _object(raw, path)
    sections_doc = _list(doc.get("sections", []), f"{path}.sections")
    sections = []
    for index, item in enumerate(sections_doc):
        where = f"{path}.sections[{index}]"
        section = _object(item, where)
        sections.append(
            NoteSection(
                title=_line(section, "title", where, hi=200),
                text=_string(section, "text", where, default=""),
            )
        )
    signed_at_raw, signed_by = doc.get("signed_at"), doc.get("signed_by")
    if (signed_at_raw is None) != (signed_by is None):
        _fail(f"{path}.signed_at", "signed_at and signed_by must both be set or both be null")
    signed_at = None if signed_at_raw is None else _timestamp(signed_at_raw, f"{path}.signed_at")
    if signed_by is not None:
        signed_by = _line(doc, "signed_by", path, lo=1, hi=200)
    addenda = []
    for index, item in enumerate(_list(doc.get("addenda", []), f"{path}.addenda")):
        where = f"{path}.addenda[{index}]"
        entry = _object(item, where)
        addenda.append(
            Addendum(
                at=_timestamp(_required(entry, "at", where), f"{where}.at"),
                by=_line(entry, "by", where, hi=200),
                reason=_string(entry, "reason", where),
                text=_string(entry, "text", where),
            )
        )
    if addenda and signed_at is None:
        _fail(f"{path}.addenda", "only a signed note can have addenda")
    return BlockNote(
        sections=tuple(sections), signed_at=signed_at, signed_by=signed_by, addenda=tuple(addenda)
    )


def _parse_observation(raw: object, path: str, window: tuple[datetime, datetime]) -> Observation:
    doc = _object(raw, path)
    at = _timestamp(_required(doc, "at", path), f"{path}.at")
    if not window[0] <= at < window[1]:
        _fail(f"{path}.at", "is more than a day away from the block's planned and actual times")
    intensity = doc.get("intensity", 3)
    if not isinstance(intensity, int) or isinstance(intensity, bool) or not 1 <= intensity <= 5:
        _fail(
            f"{path}.intensity", f"must be a whole number from 1 to 5, found {_describe(intensity)}"
        )
    boundary_raw = doc.get("boundary")
    boundary = None if boundary_raw is None else _choice(boundary_raw, Boundary, f"{path}.boundary")
    strategies: list[Strategy] = []
    for index, item in enumerate(_list(doc.get("strategies", []), f"{path}.strategies")):
        strategy = _choice(item, Strategy, f"{path}.strategies[{index}]")
        if strategy in strategies:
            _fail(f"{path}.strategies[{index}]", f"{strategy.value!r} is listed twice")
        strategies.append(strategy)

    def text(name: str) -> str:
        return _string(doc, name, path, default="")

    return Observation(
        at=at,
        partner=_choice(_required(doc, "partner", path), PartnerKey, f"{path}.partner"),
        stance=_choice(_required(doc, "stance", path), Stance, f"{path}.stance"),
        intensity=intensity,
        boundary=boundary,
        strategies=tuple(strategies),
        trigger=text("trigger"),
        quote=text("quote"),
        intervention=text("intervention"),
        response=text("response"),
        note=text("note"),
    )


_PARTNER_KEYS: dict[str, PartnerKey] = {m.value: m for m in PartnerKey}
_STANCES: dict[str, Stance] = {m.value: m for m in Stance}
_BOUNDARIES: dict[str, Boundary] = {m.value: m for m in Boundary}
_STRATEGIES: dict[str, Strategy] = {m.value: m for m in Strategy}


_STRATEGY_LISTS: dict[tuple[str, ...], tuple[Strategy, ...]] = {}
"""Each valid list of strategies met, as the one tuple every observation with it shares.

At most 326 lists (ordered, no repeats, of five words); an import's 200,000
observations share a few dozen tuples instead of holding 130,000, which the
cyclic collector would otherwise scan again and again."""


def _plain_strategies(raw: list[Any]) -> tuple[Strategy, ...] | None:
    """The strategies of a valid list, or None for anything the full check must look at."""
    words = tuple(raw)
    try:
        known = _STRATEGY_LISTS.get(words)  # only valid lists of plain strings are kept
    except TypeError:  # an unhashable item (a list, an object)
        return None
    if known is None:
        if not all(type(word) is str for word in words):
            return None
        members = tuple(_STRATEGIES.get(word) for word in words)
        if None in members or len(set(words)) != len(words):
            return None
        known = _STRATEGY_LISTS[words] = cast(tuple[Strategy, ...], members)
    return known


def _plain_observation(raw: object, window: tuple[datetime, datetime]) -> Observation | None:
    """The observation when it passes every check of `_parse_observation`, else None.

    The common case of an import, checked without building a JSON path per
    field (issue 16: six f-strings and a dozen calls per observation were a
    third of a profiled 20,000-observation import). It accepts a subset of what
    `_parse_observation` accepts and builds the same object; anything else
    (an error, or an unusual type such as a `dict` subclass) returns None and
    goes through `_parse_observation`, which names the first problem exactly
    as before.
    """
    if type(raw) is not dict:
        return None
    at_text, intensity = raw.get("at"), raw.get("intensity", 3)
    partner, stance = raw.get("partner"), raw.get("stance")
    boundary_raw, strategies_raw = raw.get("boundary"), raw.get("strategies", [])
    if (
        type(at_text) is not str
        or type(intensity) is not int
        or not 1 <= intensity <= 5
        or type(partner) is not str
        or type(stance) is not str
        or not (boundary_raw is None or type(boundary_raw) is str)
        or type(strategies_raw) is not list
    ):
        return None
    partner_key, stance_member = _PARTNER_KEYS.get(partner), _STANCES.get(stance)
    boundary = None if boundary_raw is None else _BOUNDARIES.get(boundary_raw)
    if partner_key is None or stance_member is None or (boundary is None) != (boundary_raw is None):
        return None
    strategies = _plain_strategies(strategies_raw)
    if strategies is None:
        return None
    texts = (
        raw.get("trigger", ""),
        raw.get("quote", ""),
        raw.get("intervention", ""),
        raw.get("response", ""),
        raw.get("note", ""),
    )
    try:
        joined = "".join(texts)  # fails on a non-string, which the full check names
    except TypeError:
        return None
    if not joined.isascii() and text_problem(joined) is not None:
        return None  # an unpaired surrogate in one of them (joining pairs none up)
    try:
        at = datetime.fromisoformat(at_text)
    except ValueError:
        return None
    if at.tzinfo is None or not FIRST_YEAR <= at.year <= LAST_YEAR:
        return None  # (a tzinfo from `fromisoformat` always has an offset)
    at = _in_shared_zone(at)
    if not window[0] <= at < window[1]:
        return None
    # Positional, in the fields' order (at, partner, stance, intensity, boundary,
    # strategies, then the texts): a quarter cheaper than by keyword, 200,000 times.
    return Observation(at, partner_key, stance_member, intensity, boundary, strategies, *texts)


def parse_block_observation(raw: object, path: str, block: Block) -> Observation:
    """One observation in the exchange shape, checked as an import checks it against ``block``.

    For observations that arrive without an intensive around them (a
    supervisor's coding of one block, `crucible review import-coding`).
    """
    return _parse_observation(raw, path, observation_window(block))


# ---------------------------------------------------------------------------- writing


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def intensive_to_document(intensive: Intensive) -> dict[str, Any]:
    """The exchange document for an intensive, every field written with its value or default.

    Version 1.1 (with ``actual_start`` and ``actual_end`` on every block) only
    when some block has a recorded run; otherwise version 1, unchanged.
    """
    with_runs = any(
        block.actual_start is not None or block.actual_end is not None
        for day in intensive.days
        for block in day.blocks
    )
    return {
        "format": FORMAT_V1_1 if with_runs else FORMAT_V1,
        "couple": {
            "code": intensive.couple.code,
            "partners": [
                {"key": p.key.value, "name": p.name, "pronouns": p.pronouns}
                for p in intensive.couple.partners
            ],
        },
        "intensive": {
            "title": intensive.title,
            "clinician": intensive.clinician,
            "trainee": intensive.trainee,
            "supervisor": intensive.supervisor,
            "reflections": intensive.reflections,
            "days": [_day_document(day, with_runs) for day in intensive.days],
        },
    }


def _day_document(day: Day, with_runs: bool) -> dict[str, Any]:
    return {
        "day": day.number,
        "date": day.date.isoformat(),
        "blocks": [_block_document(block, with_runs) for block in day.blocks],
    }


def _block_document(block: Block, with_runs: bool) -> dict[str, Any]:
    note = block.note
    runs = {"actual_start": _iso(block.actual_start), "actual_end": _iso(block.actual_end)}
    return {
        "title": block.title,
        "kind": block.kind.value,
        "start": _iso(block.start),
        "end": _iso(block.end),
        **(runs if with_runs else {}),
        "note": {
            "sections": [{"title": s.title, "text": s.text} for s in note.sections],
            "signed_at": _iso(note.signed_at),
            "signed_by": note.signed_by,
            "addenda": [
                {"at": _iso(a.at), "by": a.by, "reason": a.reason, "text": a.text}
                for a in note.addenda
            ],
        },
        "observations": [_observation_document(o) for o in block.observations],
    }


def observation_document(observation: Observation) -> dict[str, Any]:
    """One observation in the exchange shape (as in a block's ``observations`` list)."""
    return _observation_document(observation)


def _observation_document(observation: Observation) -> dict[str, Any]:
    document: dict[str, Any] = {
        "at": _iso(observation.at),
        "partner": observation.partner.value,
        "stance": observation.stance.value,
        "boundary": None if observation.boundary is None else observation.boundary.value,
        "intensity": observation.intensity,
        "strategies": [s.value for s in observation.strategies],
    }
    for name in OBSERVATION_TEXT_FIELDS:
        document[name] = getattr(observation, name)
    return document

"""Typed settings fields: the type comes from the annotation, the rest from `setting(...)`.

A settings class is a frozen dataclass whose fields are made with
`setting(default, label, description, ...)`. `entries(cls)` reads each
field's type with `typing.get_type_hints`, so the annotation is the one
place a type is written: `int` (bounded by minimum/maximum), `bool`, `str`,
`Path`, `date`, a `Choice` (an enumeration whose members carry their label),
or any of these `| None`. `decode` and `encode` translate between those
types and JSON, and `decode` says in a few words what a value should have
been, so the file reader can name the field in one sentence.

Only the standard library, and cheap modules of it: settings load before
the first window (docs/decisions/0014-typed-settings.md).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Self

JSON = None | bool | int | str


class Choice(StrEnum):
    """A closed set of values, each with the label a form shows.

    Members are strings (`Theme.DARK == "dark"`), so code that passes them on
    needs no conversion; declare them as `DARK = "dark", "Dark"`.
    """

    label: str

    def __new__(cls, code: str, label: str = "") -> Self:
        """Make a member whose value is `code` and whose label is `label`."""
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label or code
        return member


@dataclass(frozen=True, slots=True)
class SettingInfo:
    """What a form needs to show one setting, and the bounds of a number."""

    label: str
    description: str
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    hidden: bool = False


def setting(
    default: Any,
    label: str,
    description: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    unit: str = "",
    hidden: bool = False,
) -> Any:
    """Declare one setting: its default and how to present and bound it.

    `hidden` settings are remembered like the others but the dialog skips
    them: bookkeeping the app keeps (the last full check) or values another
    window sets (the backup mirror).
    """
    info = SettingInfo(label, description, minimum, maximum, unit, hidden)
    return dataclasses.field(default=default, metadata={"info": info})


@dataclass(frozen=True, slots=True)
class Entry:
    """One declared setting: name, type (without `None`), whether None is allowed, default."""

    name: str
    kind: type
    optional: bool
    default: Any
    info: SettingInfo

    @property
    def choices(self) -> tuple[Choice, ...]:
        """The members of a `Choice` setting, in declaration order; () for other kinds."""
        return tuple(self.kind) if issubclass(self.kind, Choice) else ()


SUPPORTED = (bool, int, str, Path, date)


def entries(cls: type) -> tuple[Entry, ...]:
    """The settings declared by the dataclass `cls`, in declaration order.

    Raises TypeError for a type this module cannot store: a programming
    error, found by the tests, never by a user.
    """
    return _entries(cls)


@cache
def _entries(cls: type) -> tuple[Entry, ...]:
    hints = typing.get_type_hints(cls)
    found = []
    for field in dataclasses.fields(cls):
        kind, optional = _unwrap(hints[field.name])
        if not (kind in SUPPORTED or issubclass(kind, Choice)):
            raise TypeError(f"setting {field.name} has a type settings cannot store: {kind}")
        found.append(Entry(field.name, kind, optional, field.default, field.metadata["info"]))
    return tuple(found)


def _unwrap(hint: Any) -> tuple[type, bool]:
    """`X | None` -> (X, True); `X` -> (X, False)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        members = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(members) == 1 and isinstance(members[0], type):
            return members[0], True
        raise TypeError(f"settings cannot store {hint}")
    if not isinstance(hint, type):
        raise TypeError(f"settings cannot store {hint}")
    return hint, False


class BadValue(ValueError):
    """A stored value that does not fit its setting; the message says what would."""


def decode(entry: Entry, raw: Any) -> Any:
    """The typed value of one setting from its JSON form; BadValue says what was expected."""
    if raw is None and entry.optional:
        return None
    kind = entry.kind
    if issubclass(kind, Choice):
        if isinstance(raw, str) and raw in kind._value2member_map_:
            return kind(raw)
        raise BadValue(f"must be one of {', '.join(kind._value2member_map_)}")
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        raise BadValue("must be true or false")
    if kind is int:
        low, high = entry.info.minimum, entry.info.maximum
        number = isinstance(raw, int) and not isinstance(raw, bool)
        if number and (low is None or raw >= low) and (high is None or raw <= high):
            return raw
        raise BadValue(f"must be a whole number{_range(low, high)}")
    if kind is str and isinstance(raw, str):
        return raw
    if kind is Path and isinstance(raw, str) and raw:
        return Path(raw)
    if kind is date and isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return _refuse(entry)


def _refuse(entry: Entry) -> Any:
    wanted = {str: "text", Path: "a folder or file path", date: "a date (YYYY-MM-DD)"}
    empty = " or null" if entry.optional else ""
    raise BadValue(f"must be {wanted[entry.kind]}{empty}")


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if low is not None:
        return f" of at least {low}"
    return f" of at most {high}" if high is not None else ""


def encode(value: Any) -> JSON:
    """The JSON form of a typed value (the inverse of `decode`)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, Choice):
        return value.value
    if isinstance(value, Path | date):
        return str(value) if isinstance(value, Path) else value.isoformat()
    if isinstance(value, str):
        return value
    raise TypeError(f"settings cannot store a {type(value).__name__}")

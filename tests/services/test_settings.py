"""Settings declared once, typed by their annotations: each kind decodes, encodes and is bounded."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path

import pytest

from crucible.app.services import instance
from crucible.app.services.settings import KeyLayout, Paper, Settings, Theme
from crucible.app.services.settings_schema import (
    BadValue,
    Choice,
    Entry,
    decode,
    encode,
    entries,
    setting,
)


def _entry(name: str) -> Entry:
    return {entry.name: entry for entry in entries(Settings)}[name]


def test_types_come_from_the_annotations() -> None:
    """Each setting's kind is its annotation; defaults and words sit beside it."""
    table = {e.name: (e.kind, e.optional, e.default, e.info.hidden) for e in entries(Settings)}
    assert table == {
        "idle_minutes": (int, False, 10, False),
        "flip_window_s": (int, False, 120, False),
        "paper": (Paper, False, Paper.LETTER, False),
        "theme": (Theme, False, Theme.SYSTEM, False),
        "key_layout": (KeyLayout, False, KeyLayout.QWERTY, False),
        "mirror_folder": (Path, True, None, True),
        "last_full_check": (date, True, None, True),
    }
    assert all(e.info.label and e.info.description for e in entries(Settings))


def test_choices_are_strings_with_labels() -> None:
    """A choice member is its stored string (code passes it on as is) and carries its label."""
    assert Paper.A4 == "a4"
    assert isinstance(Paper.A4, str)
    assert [(m.value, m.label) for m in _entry("theme").choices] == [
        ("system", "Follow the system"),
        ("light", "Light"),
        ("dark", "Dark"),
    ]
    assert _entry("idle_minutes").choices == ()


@pytest.mark.parametrize(
    ("name", "stored", "typed"),
    [
        ("idle_minutes", 1, 1),
        ("idle_minutes", 120, 120),
        ("paper", "a4", Paper.A4),
        ("key_layout", "qwertz", KeyLayout.QWERTZ),
        ("mirror_folder", "/media/usb/mirror", Path("/media/usb/mirror")),
        ("mirror_folder", None, None),
        ("last_full_check", "2026-11-25", date(2026, 11, 25)),
        ("last_full_check", None, None),
    ],
)
def test_each_kind_round_trips(name: str, stored: object, typed: object) -> None:
    """JSON -> typed -> JSON gives back the same value, of the declared type."""
    value = decode(_entry(name), stored)
    assert value == typed
    assert type(value) is type(typed)
    assert encode(value) == stored


@pytest.mark.parametrize(
    ("name", "stored", "says"),
    [
        ("idle_minutes", 0, "must be a whole number from 1 to 120"),
        ("idle_minutes", 121, "must be a whole number from 1 to 120"),
        ("idle_minutes", 5.5, "must be a whole number from 1 to 120"),
        ("idle_minutes", True, "must be a whole number from 1 to 120"),
        ("idle_minutes", "5", "must be a whole number from 1 to 120"),
        ("idle_minutes", None, "must be a whole number from 1 to 120"),
        ("theme", "blue", "must be one of system, light, dark"),
        ("theme", 3, "must be one of system, light, dark"),
        ("mirror_folder", "", "must be a folder or file path or null"),
        ("mirror_folder", 7, "must be a folder or file path or null"),
        ("last_full_check", "25/11/2026", "must be a date (YYYY-MM-DD) or null"),
    ],
)
def test_a_bad_value_says_what_would_fit(name: str, stored: object, says: str) -> None:
    """Out of range, wrong type, not a member: the reason names what the setting takes."""
    with pytest.raises(BadValue, match=f"^{re.escape(says)}$"):
        decode(_entry(name), stored)


class Flavour(Choice):
    SWEET = "sweet", "Sweet"
    SOUR = "sour"


@dataclasses.dataclass(frozen=True)
class EveryKind:
    flag: bool = setting(False, "Flag", "A flag.")
    count: int = setting(3, "Count", "A number without bounds.")
    name: str = setting("", "Name", "Some text.")
    folder: Path = setting(Path("/tmp"), "Folder", "A folder.")
    flavour: Flavour = setting(Flavour.SOUR, "Flavour", "A choice.")


def test_bool_str_and_unbounded_int_decode() -> None:
    """The kinds the app's own settings do not use yet work the same way."""
    flag, count, name, folder, flavour = entries(EveryKind)
    assert decode(flag, True) is True
    with pytest.raises(BadValue, match="must be true or false"):
        decode(flag, 1)
    assert decode(count, -5) == -5
    assert decode(name, "") == ""
    with pytest.raises(BadValue, match="must be text"):
        decode(name, None)
    with pytest.raises(BadValue, match=r"must be a folder or file path$"):
        decode(folder, None)
    assert decode(flavour, "sour").label == "sour"  # a member without a label shows its code


def test_an_unstorable_type_is_refused_at_declaration() -> None:
    """A type the file cannot hold is a programming error the tests meet, not a user."""

    @dataclasses.dataclass(frozen=True)
    class Bad:
        ratio: float = setting(0.5, "Ratio", "Not storable.")

    with pytest.raises(TypeError, match="ratio"):
        entries(Bad)


def test_instance_name_is_stable_per_folder(tmp_path: Path) -> None:
    """Two spellings of one folder give one name; different folders differ."""
    assert instance.instance_name(tmp_path) == instance.instance_name(tmp_path / "x" / "..")
    assert instance.instance_name(tmp_path) != instance.instance_name(tmp_path / "other")

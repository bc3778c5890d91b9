"""The app's settings, declared once: the type in the annotation, then default, bounds, words.

`Settings` is both the declaration table and the typed value: code reads
`settings.idle_minutes` as an int and `settings.mirror_folder` as a Path,
and the Settings dialog builds its form from the same fields
(`app.services.settings_schema.entries`), skipping the hidden ones. The
file that holds them, its versions and upgrades, is
`app.services.settings_file`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from crucible.app.services.settings_schema import Choice, setting


class Paper(Choice):
    """The page size of exported reports."""

    LETTER = "letter", "US Letter"
    A4 = "a4", "A4"


class Theme(Choice):
    """The app's look."""

    SYSTEM = "system", "Follow the system"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class KeyLayout(Choice):
    """The keyboard the live pad's single keys are laid out for."""

    QWERTY = "qwerty", "QWERTY"
    QWERTZ = "qwertz", "QWERTZ"
    AZERTY = "azerty", "AZERTY"


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting with its type and default; the single declaration the app reads."""

    idle_minutes: int = setting(
        10,
        "Lock after idle",
        "Lock the vault when no key or mouse input has come for this long.",
        minimum=1,
        maximum=120,
        unit="min",
    )
    flip_window_s: int = setting(
        120,
        "Flip window",
        "Two opposite stances of one partner this close together count as a flip.",
        minimum=10,
        maximum=1800,
        unit="s",
    )
    paper: Paper = setting(Paper.LETTER, "Paper size", "The page size of exported reports.")
    theme: Theme = setting(
        Theme.SYSTEM, "Theme", "Follow the system's light or dark look, or choose one."
    )
    key_layout: KeyLayout = setting(
        KeyLayout.QWERTY,
        "Live keys for",
        "The keyboard the live pad's single keys are laid out for (top row one-up, "
        "home row same-as, bottom row one-down). Takes effect at the next unlock.",
    )
    mirror_folder: Path | None = setting(
        None,
        "Backup mirror",
        "The folder every backup is also copied to (an external drive, a synced folder); "
        "set in the Backups window.",
        hidden=True,
    )
    last_full_check: date | None = setting(
        None,
        "Last full check",
        "The day the full integrity check last passed; it runs once a day after an unlock.",
        hidden=True,
    )


__all__ = ["KeyLayout", "Paper", "Settings", "Theme"]

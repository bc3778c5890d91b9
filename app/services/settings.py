"""The app's settings, declared once: type, default, bounds and description in one place.

`Settings` is both the declaration table and the typed value: each field is
made with `setting(...)`, whose metadata the Settings dialog reads to build
its form, and code reads `settings.idle_minutes` as an int. The file is
`settings.json` in the vault folder (settings are not PHI, so they can be
read before unlock: the theme is needed for the very first window), owner-only
and written atomically, with a version number so later releases can upgrade
it. This module stays light (json only) because it loads before the first
window; the audit trail is reached lazily.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.vault_layout import SETTINGS_FILE
from app.store.files import write_atomically

if TYPE_CHECKING:  # the store loads only when a vault is open
    from app.store.vault import Vault

SETTINGS_VERSION = 1


@dataclass(frozen=True, slots=True)
class SettingInfo:
    """What a form needs to show one setting."""

    label: str
    description: str
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""


def setting(default: Any, info: SettingInfo) -> Any:
    """Declare one setting: its default and how to present and bound it."""
    return field(default=default, metadata={"info": info})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting with its type and default; the single declaration the app reads."""

    idle_minutes: int = setting(
        10,
        SettingInfo(
            "Lock after idle",
            "Lock the vault when no key or mouse input has come for this long.",
            minimum=1,
            maximum=120,
            unit="min",
        ),
    )
    flip_window_s: int = setting(
        120,
        SettingInfo(
            "Flip window",
            "Two opposite stances of one partner this close together count as a flip.",
            minimum=10,
            maximum=1800,
            unit="s",
        ),
    )
    paper: str = setting(
        "letter",
        SettingInfo("Paper size", "The page size of exported reports.", choices=("letter", "a4")),
    )
    theme: str = setting(
        "system",
        SettingInfo(
            "Theme",
            "Follow the system's light or dark look, or choose one.",
            choices=("system", "light", "dark"),
        ),
    )
    key_layout: str = setting(
        "qwerty",
        SettingInfo(
            "Live keys for",
            "The keyboard the live pad's single keys are laid out for (top row one-up, "
            "home row same-as, bottom row one-down). Takes effect at the next unlock.",
            choices=("qwerty", "qwertz", "azerty"),
        ),
    )


def declarations() -> list[tuple[str, type, Any, SettingInfo]]:
    """(name, type, default, info) for every setting, in declaration order."""
    types = {"int": int, "str": str, "bool": bool}
    return [
        (f.name, types[str(f.type)], f.default, f.metadata["info"])
        for f in dataclasses.fields(Settings)
    ]


def _valid(kind: type, info: SettingInfo, value: Any) -> bool:
    if isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind):
        return False
    if info.choices and value not in info.choices:
        return False
    if isinstance(value, int):
        low = info.minimum if info.minimum is not None else value
        high = info.maximum if info.maximum is not None else value
        return low <= value <= high
    return True


def coerce(values: Mapping[str, Any]) -> Settings:
    """Settings from raw values; anything missing, unknown or out of bounds gets its default."""
    chosen = {}
    for name, kind, _default, info in declarations():
        if name in values and _valid(kind, info, values[name]):
            chosen[name] = values[name]
    return Settings(**chosen)


# version -> function turning that version's values into the next version's.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def load_settings(folder: Path) -> Settings:
    """The settings stored in the vault folder, or the defaults (never an error at startup)."""
    try:
        document = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(document, dict) or not isinstance(document.get("values"), dict):
        return Settings()
    version, values = document.get("version"), dict(document["values"])
    if not isinstance(version, int) or version > SETTINGS_VERSION:
        return Settings()
    while version < SETTINGS_VERSION:
        upgrade = _UPGRADES.get(version)
        values = upgrade(values) if upgrade else values
        version += 1
    return coerce(values)


def save_settings(folder: Path, settings: Settings) -> None:
    """Write settings.json owner-only and atomically (temp file, fsync, rename)."""
    document = {"version": SETTINGS_VERSION, "values": dataclasses.asdict(settings)}
    write_atomically(folder / SETTINGS_FILE, (json.dumps(document, indent=1) + "\n").encode())


def changed(old: Settings, new: Settings) -> dict[str, Any]:
    """The settings whose value differs, with their new values."""
    return {
        name: getattr(new, name)
        for name, *_ in declarations()
        if getattr(old, name) != getattr(new, name)
    }


def apply_settings(
    folder: Path,
    old: Settings,
    new: Settings,
    *,
    vault: Vault,
    actor: str,
    clock: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """Save new settings and record the change in the audit trail; returns what changed.

    Settings hold no client text, so their values go into the audit detail.
    """
    difference = changed(old, new)
    if not difference:
        return difference
    save_settings(folder, new)
    from app.domain.audit_vocabulary import AuditAction
    from app.services.clock import system_clock
    from app.store.audit import append_event

    with vault.write_session() as session:
        append_event(
            session,
            at=(clock or system_clock)(),
            actor=actor,
            action=AuditAction.SETTINGS_CHANGED,
            detail=difference,
        )
    return difference


__all__ = [
    "SETTINGS_FILE",
    "SETTINGS_VERSION",
    "SettingInfo",
    "Settings",
    "apply_settings",
    "changed",
    "coerce",
    "declarations",
    "load_settings",
    "save_settings",
]

"""`settings.json` in the vault folder: read, upgraded once, repaired without loss, written safely.

Settings are not PHI, so they sit in the clear and can be read before
unlock (the theme is needed for the very first window). The file is
`{"version": 2, "values": {...}}`, written owner-only and atomically
(`app.store.files.write_atomically`: temp file, fsync, rename).

Older files are upgraded the first time they are read, and the upgraded
file is written at once:

- version 1 (or no file at all) kept the visible settings only; the
  backup mirror and the last full check lived beside it in
  `data-safety.json` (`crucible.data-safety/1`). The upgrade moves both into
  the values and removes `data-safety.json` once `settings.json` holds them.

A file that cannot be used whole (not JSON, a value out of range, a
setting this version does not know, a newer version) never stops the app
and loses nothing: the usable values are kept, the others get their
defaults, the file as it was is kept beside it as
`replaced-<name>-<time>.json` (a name the vault folder already accepts),
and `open_settings` returns one sentence naming the file and the fields.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crucible.app.domain.vault_layout import REPLACED_PREFIX as KEPT_PREFIX
from crucible.app.domain.vault_layout import SAFETY_STATE_FILE as OLD_SAFETY_FILE
from crucible.app.domain.vault_layout import SETTINGS_FILE
from crucible.app.services.settings import Settings
from crucible.app.services.settings_schema import BadValue, Entry, decode, encode, entries
from crucible.app.store.errors import FileNotReadableError, VaultError
from crucible.app.store.files import write_atomically

if TYPE_CHECKING:  # the store's vault loads only when a vault is open
    from crucible.app.store.vault import Vault

SETTINGS_VERSION = 2
OLD_SAFETY_FORMAT = "crucible.data-safety/1"

# One writer at a time in this process: the Settings dialog (UI thread) and
# data safety (background helper) both read, change and write the file. One
# app per vault (app.ui.shell.instance_guard), and the CLI never writes it.
_WRITING = threading.Lock()


@dataclass(frozen=True, slots=True)
class LoadedSettings:
    """The settings to use, and the one sentence to show if the files were not usable as found."""

    settings: Settings
    problem: str | None = None


@dataclass
class _Reading:
    """What reading the files found; turned into the settings, the writes and the sentence."""

    folder: Path
    values: dict[str, Any] = field(default_factory=dict)
    version: int = SETTINGS_VERSION
    complaints: list[str] = field(default_factory=list)
    kept_aside: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes as found
    absorbed: list[Path] = field(default_factory=list)  # old files now held in the values
    unreadable: bool = False
    settings_bytes: bytes = b""  # settings.json as found, to keep aside if a field is bad

    def bad_file(self, name: str, raw: bytes, why: str) -> None:
        """The whole file is unusable: keep it aside, say why."""
        self.complaints.append(f"{name} {why}")
        self.kept_aside[name] = raw

    def bad_field(self, name: str, raw: bytes, setting: str, why: str) -> None:
        """One value of the file is unusable: keep the file aside, name the field."""
        self.complaints.append(f'"{setting}" in {name} {why}')
        self.kept_aside[name] = raw


def _upgrade_1_to_2(reading: _Reading) -> None:
    """Version 2 holds what `data-safety.json` held: the backup mirror and the last full check."""
    path = reading.folder / OLD_SAFETY_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return
    except OSError:
        reading.unreadable = True
        reading.complaints.append(
            f"{OLD_SAFETY_FILE} cannot be read; check that it is a file you may read"
        )
        return
    reading.absorbed.append(path)
    try:
        document = json.loads(raw.decode("utf-8"))
    except ValueError:
        reading.bad_file(OLD_SAFETY_FILE, raw, "is not valid JSON")
        return
    if not isinstance(document, dict) or document.get("format") != OLD_SAFETY_FORMAT:
        reading.bad_file(OLD_SAFETY_FILE, raw, f"is not a {OLD_SAFETY_FORMAT} file")
        return
    by_name = {entry.name: entry for entry in entries(Settings)}
    for name in ("mirror_folder", "last_full_check"):
        value = document.get(name)
        if value == "":
            value = None  # version 1 wrote no mirror as null, but read "" as none too
        try:
            decode(by_name[name], value)
        except BadValue as why:
            reading.bad_field(OLD_SAFETY_FILE, raw, name, str(why))
        else:
            reading.values[name] = value


# version -> the step that turns a reading of that version into the next one.
UPGRADES: dict[int, Callable[[_Reading], None]] = {1: _upgrade_1_to_2}


def _read(folder: Path) -> _Reading:
    reading = _Reading(folder)
    name = SETTINGS_FILE
    try:
        raw = (folder / name).read_bytes()
    except FileNotFoundError:
        reading.version = 1  # today's app never wrote one: still look for data-safety.json
        return reading
    except OSError:
        reading.unreadable = True
        reading.complaints.append(f"{name} cannot be read; check that it is a file you may read")
        return reading
    try:
        document = json.loads(raw.decode("utf-8"))
    except ValueError:
        reading.bad_file(name, raw, "is not valid JSON")
        reading.version = 1  # a version 1 file may have had data-safety.json beside it
        return reading
    version = document.get("version") if isinstance(document, dict) else None
    values = document.get("values") if isinstance(document, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or not isinstance(values, dict):
        reading.bad_file(name, raw, "does not hold a settings version and values")
        reading.version = 1
    elif version > SETTINGS_VERSION:
        reading.bad_file(name, raw, f"was written by a newer Crucible (settings version {version})")
    elif version < 1:
        reading.bad_file(name, raw, f"has an unknown settings version ({version})")
        reading.version = 1
    else:
        reading.version, reading.values, reading.settings_bytes = version, dict(values), raw
    return reading


def _settings_from(reading: _Reading) -> Settings:
    """The usable values, typed; each unusable one is named and gets its default."""
    raw = reading.settings_bytes
    known = entries(Settings)
    chosen = {}
    for entry in known:
        if entry.name in reading.values:
            try:
                chosen[entry.name] = decode(entry, reading.values[entry.name])
            except BadValue as why:
                reading.bad_field(SETTINGS_FILE, raw, entry.name, str(why))
    names = {entry.name for entry in known}
    for unknown in sorted(set(reading.values) - names):
        reading.bad_field(SETTINGS_FILE, raw, unknown, "is not a setting this version knows")
    return Settings(**chosen)


def _document(settings: Settings) -> bytes:
    values = {entry.name: encode(getattr(settings, entry.name)) for entry in entries(Settings)}
    document = {"version": SETTINGS_VERSION, "values": values}
    return (json.dumps(document, indent=1) + "\n").encode()


def _keep_aside(folder: Path, name: str, raw: bytes) -> str:
    """Write the file as it was found beside it, owner-only; return the name it got."""
    stem = name.removesuffix(".json")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        kept = f"{KEPT_PREFIX}{stem}-{stamp}{f'-{attempt}' if attempt else ''}.json"
        if not (folder / kept).exists():
            write_atomically(folder / kept, raw)
            return kept
    raise FileExistsError(f"too many kept copies of {name}")


def _sentence(complaints: list[str], outcome: str) -> str:
    return f"{'; '.join(complaints)}; {outcome}."


def _open(folder: Path) -> tuple[LoadedSettings, bool]:
    """The settings, and whether a file could not be read at all (then nothing was written)."""
    reading = _read(folder)
    upgraded = reading.version < SETTINGS_VERSION
    while not reading.unreadable and reading.version < SETTINGS_VERSION:
        UPGRADES[reading.version](reading)
        reading.version += 1
    if reading.unreadable:
        alone = "Crucible uses the default settings for now and leaves the files as they are"
        return LoadedSettings(Settings(), _sentence(reading.complaints, alone)), True
    return _repaired(folder, reading, upgraded), False


def _repaired(folder: Path, reading: _Reading, upgraded: bool) -> LoadedSettings:
    """Type the values; keep bad files aside and write the upgraded or repaired file."""
    settings = _settings_from(reading)
    exists = (folder / SETTINGS_FILE).exists()
    if not (reading.kept_aside or reading.absorbed or (upgraded and exists)):
        return LoadedSettings(settings)
    try:
        kept = [_keep_aside(folder, name, raw) for name, raw in reading.kept_aside.items()]
        write_atomically(folder / SETTINGS_FILE, _document(settings))
        for old in reading.absorbed:
            old.unlink(missing_ok=True)
    except (OSError, VaultError) as error:  # VaultError: write_atomically's disk full, etc.
        return LoadedSettings(settings, _not_written(reading, str(error)))
    if not kept:
        return LoadedSettings(settings)
    copies = " and ".join(kept)
    return LoadedSettings(
        settings,
        _sentence(
            reading.complaints,
            f"Crucible uses the defaults instead and keeps the file as it was as {copies}",
        ),
    )


def _not_written(reading: _Reading, why: str) -> str:
    said = reading.complaints or [f"{SETTINGS_FILE} is from an older Crucible"]
    return _sentence(
        said,
        f"it could not be rewritten ({why.rstrip('.').replace('. ', '; ')}), so Crucible uses "
        "what it could read for now and leaves the files as they are",
    )


def open_settings(folder: Path) -> LoadedSettings:
    """The settings stored in the vault folder, upgraded and repaired; never an error at startup."""
    with _WRITING:
        return _open(folder)[0]


def save_settings(folder: Path, settings: Settings) -> None:
    """Write settings.json, every value checked against its type, owner-only and atomically."""
    checked = _checked(settings)
    with _WRITING:
        write_atomically(folder / SETTINGS_FILE, _document(checked))


def _checked(settings: Settings) -> Settings:
    """The same settings with each value in its declared type (a Choice from its string)."""
    typed = {}
    for entry in entries(Settings):
        typed[entry.name] = _typed(entry, getattr(settings, entry.name))
    return Settings(**typed)


def _typed(entry: Entry, value: Any) -> Any:
    try:
        return decode(entry, encode(value))
    except (BadValue, TypeError) as why:
        raise ValueError(f"setting {entry.name} {why}") from None


def update_settings(folder: Path, **changes: Any) -> LoadedSettings:
    """Change some settings in the file and leave the others as stored; returns the result.

    The file is read again under the lock, so a change made by another part
    of the app in between (data safety's last check, the dialog's theme) is
    kept. A file that cannot be read is not overwritten: the error says so.
    """
    with _WRITING:
        loaded, unreadable = _open(folder)
        if unreadable:
            raise FileNotReadableError(loaded.problem or "")
        new = _checked(dataclasses.replace(loaded.settings, **changes))
        write_atomically(folder / SETTINGS_FILE, _document(new))
    return LoadedSettings(new, loaded.problem)


def visible_changes(old: Settings, new: Settings) -> dict[str, Any]:
    """The dialog's settings whose value differs, with their new values."""
    return {
        entry.name: getattr(new, entry.name)
        for entry in entries(Settings)
        if not entry.info.hidden and getattr(old, entry.name) != getattr(new, entry.name)
    }


def audit_detail(difference: dict[str, Any]) -> dict[str, Any]:
    """What the audit trail records of a change: values, but only whether a path is set.

    Settings hold no client text, but a folder path can name a person
    (`/Users/jane`); the trail does not need it.
    """
    return {
        name: (value is not None) if isinstance(value, Path) or value is None else encode(value)
        for name, value in difference.items()
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
    """Store what the dialog changed and record it in the audit trail; returns what changed.

    Only the changed settings are written; the hidden ones stay as stored.
    """
    difference = visible_changes(old, new)
    if not difference:
        return difference
    update_settings(folder, **difference)
    from crucible.app.domain.audit_vocabulary import AuditAction
    from crucible.app.services.clock import system_clock
    from crucible.app.store.audit import append_event

    with vault.write_session() as session:
        append_event(
            session,
            at=(clock or system_clock)(),
            actor=actor,
            action=AuditAction.SETTINGS_CHANGED,
            detail=audit_detail(difference),
        )
    return difference


__all__ = [
    "OLD_SAFETY_FILE",
    "SETTINGS_FILE",
    "SETTINGS_VERSION",
    "UPGRADES",
    "LoadedSettings",
    "apply_settings",
    "audit_detail",
    "open_settings",
    "save_settings",
    "update_settings",
    "visible_changes",
]

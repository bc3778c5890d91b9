"""settings.json: round trip, owner-only atomic writes, the upgrade from version 1, bad files."""

from __future__ import annotations

import json
import resource
import shutil
import signal
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from crucible.app.services.errors import FileNotReadableError
from crucible.app.services.settings import KeyLayout, Paper, Settings, Theme
from crucible.app.services.settings_file import (
    OLD_SAFETY_FILE,
    SETTINGS_FILE,
    SETTINGS_VERSION,
    apply_settings,
    open_settings,
    save_settings,
    update_settings,
)
from crucible.app.store import models
from crucible.app.store.vault import Vault
from tests.conftest import DATA, FakeClock

OLD = DATA / "settings"  # written by the version 1 code (settings.py and safety_state.py)


def _stored(folder: Path) -> dict[str, object]:
    document = json.loads((folder / SETTINGS_FILE).read_text())
    assert document["version"] == SETTINGS_VERSION
    return dict(document["values"])


def _kept(folder: Path) -> list[Path]:
    return sorted(folder.glob("replaced-*.json"))


def _write(folder: Path, values: dict[str, object], version: int = SETTINGS_VERSION) -> bytes:
    raw = json.dumps({"version": version, "values": values}).encode()
    (folder / SETTINGS_FILE).write_bytes(raw)
    return raw


def _every_value_set(mirror_folder: Path, last_full_check: date) -> Settings:
    """Settings with no default left: each kind of value (number, choice, path, date) set."""
    return Settings(
        idle_minutes=5,
        flip_window_s=300,
        paper=Paper.A4,
        theme=Theme.DARK,
        key_layout=KeyLayout.AZERTY,
        mirror_folder=mirror_folder,
        last_full_check=last_full_check,
    )


def test_round_trip_owner_only(tmp_path: Path) -> None:
    """Every kind of value reads back typed; the file is 0600, versioned, alone in the folder."""
    settings = _every_value_set(Path("/media/usb/mirror"), date(2026, 11, 25))
    save_settings(tmp_path, settings)
    assert stat.S_IMODE((tmp_path / SETTINGS_FILE).stat().st_mode) == 0o600
    assert _stored(tmp_path)["mirror_folder"] == "/media/usb/mirror"
    assert open_settings(tmp_path).settings == settings
    assert open_settings(tmp_path).problem is None
    assert [p.name for p in tmp_path.iterdir()] == [SETTINGS_FILE]


def test_no_file_means_defaults_and_no_write(tmp_path: Path) -> None:
    """A new vault folder reads the defaults and is left empty."""
    loaded = open_settings(tmp_path)
    assert loaded.settings == Settings()
    assert loaded.problem is None
    assert list(tmp_path.iterdir()) == []


def test_a_string_for_a_choice_is_stored_as_its_member(tmp_path: Path) -> None:
    """Code may pass "a4" for Paper.A4; a value of the wrong kind is a programming error."""
    save_settings(tmp_path, Settings(paper="a4"))  # type: ignore[arg-type]
    assert open_settings(tmp_path).settings.paper is Paper.A4
    with pytest.raises(ValueError, match="idle_minutes"):
        save_settings(tmp_path, Settings(idle_minutes=0))


def test_version_1_files_upgrade_once_losslessly(tmp_path: Path) -> None:
    """Today's settings.json and data-safety.json become one version 2 file, once."""
    shutil.copytree(OLD / "v1-with-safety", tmp_path / "vault")
    folder = tmp_path / "vault"
    loaded = open_settings(folder)
    assert loaded.problem is None
    assert loaded.settings == _every_value_set(
        Path("/media/usb/crucible-mirror"), date(2026, 11, 20)
    )
    assert sorted(p.name for p in folder.iterdir()) == [SETTINGS_FILE]
    assert stat.S_IMODE((folder / SETTINGS_FILE).stat().st_mode) == 0o600
    upgraded = (folder / SETTINGS_FILE).read_bytes()
    assert open_settings(folder).settings == loaded.settings
    assert (folder / SETTINGS_FILE).read_bytes() == upgraded  # once: nothing rewritten


def test_data_safety_json_alone_upgrades(tmp_path: Path) -> None:
    """A vault whose settings were never changed but whose full check ran has no settings.json."""
    shutil.copytree(OLD / "v1-safety-only", tmp_path / "vault")
    folder = tmp_path / "vault"
    assert open_settings(folder).settings == Settings(last_full_check=date(2026, 11, 24))
    assert not (folder / OLD_SAFETY_FILE).exists()
    assert _stored(folder)["last_full_check"] == "2026-11-24"


def test_version_1_settings_alone_upgrade(tmp_path: Path) -> None:
    """A version 1 settings.json without data-safety.json keeps its values."""
    shutil.copy(OLD / "v1-with-safety" / SETTINGS_FILE, tmp_path)
    assert open_settings(tmp_path).settings.key_layout is KeyLayout.AZERTY
    assert _stored(tmp_path)["mirror_folder"] is None


GOOD = {"theme": Theme.DARK, "idle_minutes": 7}


@pytest.mark.parametrize(
    ("field", "bad", "says"),
    [
        ("idle_minutes", 0, '"idle_minutes" in settings.json must be a whole number from 1 to 120'),
        ("flip_window_s", "120", '"flip_window_s" in settings.json must be a whole number'),
        ("paper", "legal", '"paper" in settings.json must be one of letter, a4'),
        ("theme", None, '"theme" in settings.json must be one of system, light, dark'),
        ("key_layout", "dvorak", '"key_layout" in settings.json must be one of qwerty'),
        ("mirror_folder", 42, '"mirror_folder" in settings.json must be a folder or file path'),
        ("last_full_check", "yesterday", '"last_full_check" in settings.json must be a date'),
        ("sound", True, '"sound" in settings.json is not a setting this version knows'),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_lost(
    tmp_path: Path, field: str, bad: object, says: str
) -> None:
    """One sentence names file and field; the good values stay; the file is kept aside as it was."""
    raw = _write(tmp_path, {**GOOD, field: bad})
    loaded = open_settings(tmp_path)
    assert loaded.problem is not None
    assert loaded.problem.startswith(says)
    assert loaded.problem.count(".") == 1 + loaded.problem.count(".json")  # one sentence
    [kept] = _kept(tmp_path)
    assert kept.name in loaded.problem
    assert kept.read_bytes() == raw
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    good = Settings(**{name: value for name, value in GOOD.items() if name != field})
    assert loaded.settings == good
    assert open_settings(tmp_path) == type(loaded)(good)  # repaired: said once


def test_two_bad_fields_in_one_sentence(tmp_path: Path) -> None:
    """Each bad field is named, the file is kept aside once."""
    _write(tmp_path, {"idle_minutes": 999, "theme": "blue"})
    problem = open_settings(tmp_path).problem
    assert problem is not None
    assert '"idle_minutes"' in problem
    assert '"theme"' in problem
    assert len(_kept(tmp_path)) == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"{not json", "settings.json is not valid JSON"),
        (b"\xff\xfe", "settings.json is not valid JSON"),
        (b"[1, 2]", "settings.json does not hold a settings version and values"),
        (b'{"version": "2", "values": {}}', "settings.json does not hold a settings version"),
        (b'{"version": 9, "values": {}}', "settings.json was written by a newer Crucible"),
        (b'{"version": 0, "values": {}}', "settings.json has an unknown settings version (0)"),
    ],
)
def test_an_unusable_file_is_kept_aside(tmp_path: Path, content: bytes, says: str) -> None:
    """Not JSON, not settings, another version: defaults now, the file kept byte for byte."""
    (tmp_path / SETTINGS_FILE).write_bytes(content)
    loaded = open_settings(tmp_path)
    assert loaded.settings == Settings()
    assert loaded.problem is not None
    assert loaded.problem.startswith(says)
    [kept] = _kept(tmp_path)
    assert kept.read_bytes() == content
    assert open_settings(tmp_path).problem is None


def test_a_bad_data_safety_json_is_named_and_kept(tmp_path: Path) -> None:
    """The upgrade names data-safety.json and its field, keeps the good one and the file."""
    shutil.copy(OLD / "v1-with-safety" / SETTINGS_FILE, tmp_path)
    raw = (
        b'{"format": "crucible.data-safety/1", "mirror_folder": 5, "last_full_check": "2026-11-20"}'
    )
    (tmp_path / OLD_SAFETY_FILE).write_bytes(raw)
    loaded = open_settings(tmp_path)
    assert loaded.problem is not None
    assert loaded.problem.startswith('"mirror_folder" in data-safety.json must be')
    assert loaded.settings.last_full_check == date(2026, 11, 20)
    assert loaded.settings.theme is Theme.DARK
    assert not (tmp_path / OLD_SAFETY_FILE).exists()
    [kept] = _kept(tmp_path)
    assert kept.name.startswith("replaced-data-safety-")
    assert kept.read_bytes() == raw


def test_an_unreadable_file_is_left_alone_and_not_overwritten(tmp_path: Path) -> None:
    """A settings.json that cannot be read: defaults for now, and no save replaces it."""
    (tmp_path / SETTINGS_FILE).mkdir()
    loaded = open_settings(tmp_path)
    assert loaded.settings == Settings()
    assert loaded.problem is not None
    assert loaded.problem.startswith("settings.json cannot be read")
    with pytest.raises(FileNotReadableError, match=r"settings\.json cannot be read"):
        update_settings(tmp_path, theme=Theme.DARK)
    assert (tmp_path / SETTINGS_FILE).is_dir()


def test_update_keeps_what_it_does_not_change(tmp_path: Path) -> None:
    """Data safety's write and the dialog's write do not undo each other."""
    update_settings(tmp_path, mirror_folder=Path("/media/usb"))
    update_settings(tmp_path, theme=Theme.LIGHT)
    update_settings(tmp_path, last_full_check=date(2026, 11, 25))
    assert open_settings(tmp_path).settings == Settings(
        theme=Theme.LIGHT, mirror_folder=Path("/media/usb"), last_full_check=date(2026, 11, 25)
    )


def test_change_is_audited_and_hidden_ones_kept(vault: Vault, clock: FakeClock) -> None:
    """The dialog's change writes only the changed settings and one audit event naming them."""
    folder = vault.folder
    update_settings(folder, mirror_folder=Path("/media/usb"))
    stale = Settings()  # what the dialog opened with: no mirror known
    changed = apply_settings(
        folder, stale, Settings(paper=Paper.A4), vault=vault, actor="me", clock=clock
    )
    assert changed == {"paper": "a4"}
    assert open_settings(folder).settings == Settings(
        paper=Paper.A4, mirror_folder=Path("/media/usb")
    )
    with vault.session() as session:
        events = session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == "settings-changed")
        ).all()
    assert [json.loads(e.detail_json) for e in events] == [{"paper": "a4"}]
    same = Settings(paper=Paper.A4)
    assert apply_settings(folder, same, same, vault=vault, actor="me", clock=clock) == {}


def test_an_upgrade_that_cannot_be_written_loses_nothing(tmp_path: Path) -> None:
    """A full disk (a file-size limit here) during the upgrade: values used, old files untouched."""
    shutil.copytree(OLD / "v1-with-safety", tmp_path / "vault")
    folder = tmp_path / "vault"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        loaded = open_settings(folder)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)
    assert loaded.settings.mirror_folder == Path("/media/usb/crucible-mirror")
    assert loaded.settings.theme is Theme.DARK
    assert loaded.problem is not None
    assert loaded.problem.startswith("settings.json is from an older Crucible; it could not be")
    assert loaded.problem.count(". ") == 0
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert open_settings(folder).problem is None  # space back: upgraded then
    assert not (folder / OLD_SAFETY_FILE).exists()

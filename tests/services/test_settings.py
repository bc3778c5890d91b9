"""Settings: declared once, read typed, stored owner-only and atomically, audited on change."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from sqlalchemy import select

from app.services import instance
from app.services.settings import (
    SETTINGS_FILE,
    Settings,
    apply_settings,
    declarations,
    load_settings,
    save_settings,
)
from app.store import models
from app.store.vault import Vault
from tests.conftest import FakeClock


def test_defaults_are_declared_once() -> None:
    """Each setting has a type, a default and a description; defaults match the brief."""
    table = {name: (kind, default, info) for name, kind, default, info in declarations()}
    assert table["idle_minutes"][:2] == (int, 10)
    assert table["flip_window_s"][:2] == (int, 120)
    assert table["paper"][:2] == (str, "letter")
    assert table["theme"][:2] == (str, "system")
    assert all(info.description for _kind, _default, info in table.values())


def test_missing_or_bad_file_gives_defaults(tmp_path: Path) -> None:
    """No file, broken JSON, or out-of-range values fall back to defaults."""
    assert load_settings(tmp_path) == Settings()
    (tmp_path / SETTINGS_FILE).write_text("{not json")
    assert load_settings(tmp_path) == Settings()
    (tmp_path / SETTINGS_FILE).write_text(
        json.dumps({"version": 1, "values": {"idle_minutes": 0, "paper": "a4", "theme": 3}})
    )
    assert load_settings(tmp_path) == Settings(paper="a4")


def test_saved_owner_only_with_version(tmp_path: Path) -> None:
    """settings.json is 0600, versioned, and reads back typed."""
    save_settings(tmp_path, Settings(idle_minutes=5, theme="dark"))
    path = tmp_path / SETTINGS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["version"] == 1
    assert load_settings(tmp_path) == Settings(idle_minutes=5, theme="dark")
    assert [p.name for p in tmp_path.iterdir()] == [SETTINGS_FILE]


def test_change_is_audited(vault: Vault, clock: FakeClock) -> None:
    """A change writes the file and one audit event naming the changed keys."""
    changed = apply_settings(
        vault.folder, Settings(), Settings(paper="a4"), vault=vault, actor="me", clock=clock
    )
    assert changed == {"paper": "a4"}
    with vault.session() as session:
        events = session.scalars(
            select(models.AuditEvent).where(models.AuditEvent.action == "settings-changed")
        ).all()
    assert [json.loads(e.detail_json) for e in events] == [{"paper": "a4"}]
    assert (
        apply_settings(
            vault.folder,
            Settings(paper="a4"),
            Settings(paper="a4"),
            vault=vault,
            actor="me",
            clock=clock,
        )
        == {}
    )


def test_instance_name_is_stable_per_folder(tmp_path: Path) -> None:
    """Two spellings of one folder give one name; different folders differ."""
    assert instance.instance_name(tmp_path) == instance.instance_name(tmp_path / "x" / "..")
    assert instance.instance_name(tmp_path) != instance.instance_name(tmp_path / "other")

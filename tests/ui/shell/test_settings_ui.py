"""The Settings dialog: generated from the typed schema, saved owner-only, audited, applied."""

from __future__ import annotations

import dataclasses
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget
from sqlalchemy import select

from crucible.app.services.settings import Settings, Theme
from crucible.app.services.settings_file import SETTINGS_FILE, open_settings, update_settings
from crucible.app.services.settings_schema import Choice, entries, setting
from crucible.app.store import models
from crucible.app.ui.shell.launch import Desktop
from crucible.app.ui.shell.settings_dialog import SettingsDialog
from tests.ui.conftest import visible_dialog


def test_settings_dialog_saves_applies_and_audits(
    qtbot: Any, unlocked: Desktop, demo_vault: Path
) -> None:
    """A control per visible setting, none for hidden ones; OK writes 0600 JSON, applies, audits."""
    update_settings(demo_vault, mirror_folder=Path("/media/usb/mirror"))
    unlocked.window.settings.trigger()
    dialog = visible_dialog(SettingsDialog)
    for entry in entries(Settings):
        found = dialog.findChild(QWidget, f"setting-{entry.name}")
        if entry.info.hidden:
            assert found is None
        else:
            assert found.accessibleName() == entry.info.label
    idle = dialog.control("idle_minutes")
    assert isinstance(idle, QSpinBox)
    assert (idle.value(), idle.minimum(), idle.maximum(), idle.suffix()) == (10, 1, 120, " min")
    idle.setValue(3)
    theme = dialog.control("theme")
    assert isinstance(theme, QComboBox)
    assert [theme.itemText(i) for i in range(theme.count())] == [m.label for m in Theme]
    theme.setCurrentIndex(theme.findData("dark"))
    dialog.accept()

    path = demo_vault / SETTINGS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["version"] == 2
    assert stored["values"]["idle_minutes"] == 3
    assert stored["values"]["theme"] == "dark"
    assert stored["values"]["mirror_folder"] == "/media/usb/mirror"  # hidden, kept
    assert unlocked.session.settings.theme == "dark"
    assert QApplication.instance().property("crucibleScheme") == "dark"
    with unlocked.session.vault.session() as session:
        details = [
            json.loads(e.detail_json)
            for e in session.scalars(
                select(models.AuditEvent).where(models.AuditEvent.action == "settings-changed")
            )
        ]
    assert details == [{"idle_minutes": 3, "theme": "dark"}]
    unlocked.session.apply(Settings())  # back to light for other tests


class Flavour(Choice):
    SWEET = "sweet", "Sweet"
    SOUR = "sour", "Sour"


@dataclasses.dataclass(frozen=True)
class EveryKind:
    flag: bool = setting(False, "Flag", "A flag.")
    name: str = setting("", "Name", "Some text.")
    folder: Path = setting(Path("/tmp"), "Folder", "A folder.")
    flavour: Flavour = setting(Flavour.SOUR, "Flavour", "A choice.")
    secret: int = setting(4, "Secret", "Remembered, not shown.", hidden=True)


def test_every_kind_has_its_control_and_bad_entries_are_named(qtbot: Any) -> None:
    """Check box, line, path line, labelled drop-down; an empty path is refused in one sentence."""
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = SettingsDialog(parent, EveryKind(), lambda: "#a4161a")
    dialog.show()
    assert isinstance(dialog.control("flag"), QCheckBox)
    name, folder = dialog.control("name"), dialog.control("folder")
    assert isinstance(name, QLineEdit)
    assert isinstance(folder, QLineEdit)
    assert folder.text() == "/tmp"
    flavour = dialog.control("flavour")
    assert isinstance(flavour, QComboBox)
    assert flavour.currentText() == "Sour"
    assert dialog.findChild(QWidget, "setting-secret") is None

    submitted: list[Any] = []
    dialog.on_submit = lambda: submitted.append(dialog.chosen())
    folder.setText("")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.message.text() == "Folder must be a folder or file path."
    assert submitted == []

    folder.setText("/media/usb")
    name.setText("Room 2")
    dialog.control("flag").setChecked(True)
    flavour.setCurrentIndex(flavour.findData("sweet"))
    dialog.accept()
    assert submitted == [EveryKind(True, "Room 2", Path("/media/usb"), Flavour.SWEET, 4)]


def test_a_bad_settings_file_is_said_at_start_and_kept(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """The app starts with the good values, says which field was bad, and keeps the file."""
    raw = json.dumps({"version": 2, "values": {"theme": "dark", "idle_minutes": -1}}).encode()
    (demo_vault / SETTINGS_FILE).write_bytes(raw)
    desktop = start_desktop(demo_vault)
    message = desktop.window.statusBar().currentMessage()
    assert message.startswith('"idle_minutes" in settings.json must be a whole number')
    [kept] = demo_vault.glob("replaced-settings-*.json")
    assert kept.name in message
    assert kept.read_bytes() == raw
    assert desktop.session.settings.theme is Theme.DARK
    assert open_settings(demo_vault).problem is None
    desktop.session.apply(Settings())  # back to light for other tests

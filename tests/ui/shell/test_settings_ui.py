"""The Settings dialog: generated from the declarations, saved owner-only, audited, applied."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QComboBox, QSpinBox
from sqlalchemy import select

from app.services.settings import SETTINGS_FILE, declarations
from app.store import models
from app.ui.shell.launch import Desktop
from app.ui.shell.settings_dialog import SettingsDialog
from tests.ui.conftest import visible_dialog


def test_settings_dialog_saves_applies_and_audits(
    qtbot: Any, unlocked: Desktop, demo_vault: Path
) -> None:
    """Every declared setting has a control; saving writes 0600 JSON, applies and audits."""
    unlocked.window.settings.trigger()
    dialog = visible_dialog(SettingsDialog)
    for name, _kind, _default, info in declarations():
        assert dialog.control(name).accessibleName() == info.label
    idle = dialog.control("idle_minutes")
    assert isinstance(idle, QSpinBox)
    assert idle.value() == 10
    idle.setValue(3)
    theme = dialog.control("theme")
    assert isinstance(theme, QComboBox)
    theme.setCurrentIndex(theme.findData("dark"))
    dialog.accept()

    path = demo_vault / SETTINGS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored = json.loads(path.read_text())
    assert stored["version"] == 1
    assert stored["values"]["idle_minutes"] == 3
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
    unlocked.session.apply(unlocked.session.settings.__class__())  # back to light for other tests

"""Finding 2 in the app: a save dialog's choice inside the vault's folder is refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QMessageBox

from crucible.app.services.report_export import ReportRequest
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import folder_snapshot
from tests.ui.conftest import visible_dialog, wait_idle
from tests.ui.safety.conftest import unlocked_at_nine


def _refused(qtbot: Any, desktop: Desktop) -> str:
    wait_idle(qtbot, desktop)
    box = visible_dialog(QMessageBox)
    text = box.text()
    box.accept()
    return text


def test_export_json_onto_the_key_file_is_refused(
    qtbot: Any, unlocked: Desktop, demo_vault: Path
) -> None:
    """Choosing vault.key in the export dialog shows the sentence; the key file is untouched."""
    before = folder_snapshot(demo_vault)
    unlocked.session.file_actions.export_json(1, demo_vault / "vault.key")
    assert "vault's folder" in _refused(qtbot, unlocked)
    assert folder_snapshot(demo_vault) == before


def test_report_onto_the_database_is_refused(
    qtbot: Any, unlocked: Desktop, demo_vault: Path, tmp_path: Path
) -> None:
    """Choosing vault.db, or a folder linked to the vault's, for a report is refused."""
    link = tmp_path / "looks-harmless"
    link.symlink_to(demo_vault, target_is_directory=True)
    request = ReportRequest(1, "summary", True, "letter", 20)
    for target in (demo_vault / "vault.db", link / "report.pdf"):
        unlocked.session.file_actions.export_report(request, target)
        assert "vault's folder" in _refused(qtbot, unlocked)
    assert not (demo_vault / "report.pdf").exists()
    # Replacing a file elsewhere is fine: the dialog has asked "replace?" already.
    elsewhere = tmp_path / "old.pdf"
    elsewhere.write_bytes(b"old")
    unlocked.session.file_actions.export_report(request, elsewhere)
    wait_idle(qtbot, unlocked)
    visible_dialog(QMessageBox).accept()
    assert elsewhere.read_bytes().startswith(b"%PDF")


def test_a_mirror_folder_inside_the_vault_is_refused(
    qtbot: Any, demo_vault: Path, start_safe_desktop: Callable[..., Desktop]
) -> None:
    """Mirroring backups into the vault's own folder would protect nothing: refused, not stored."""
    _clock, desktop = unlocked_at_nine(qtbot, start_safe_desktop)
    desktop.window.backups.trigger()
    window = desktop.session.data_safety.backups_controller
    for inside in (demo_vault, demo_vault / "backups"):
        window._set_mirror(inside)
        wait_idle(qtbot, desktop)
        assert "vault's folder" in window.view.message.text()
        assert not window.view.stop_mirror.isEnabled()
    from crucible.app.services.settings_file import open_settings

    assert open_settings(demo_vault).settings.mirror_folder is None

"""File menu: import and export the JSON format, and export a PDF report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QLineEdit, QMessageBox

from crucible.app.ui.casebook.report_dialog import ReportDialog
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import DEMO, visible_dialog, wait_idle


def test_import_bad_file_shows_the_cli_sentence(
    qtbot: Any, unlocked: Desktop, tmp_path: Path
) -> None:
    """A file that is not JSON is refused with the same sentence the command prints."""
    bad = tmp_path / "bad.json"
    bad.write_text("{ nope")
    unlocked.session.file_actions.import_file(bad)
    wait_idle(qtbot, unlocked)
    box = visible_dialog(QMessageBox)
    assert box.text().startswith("The file is not valid JSON")
    box.accept()


def test_import_then_export_json(qtbot: Any, unlocked: Desktop, tmp_path: Path) -> None:
    """An imported document appears selected; exporting writes the exchange format."""
    document = json.loads(DEMO.read_text())
    document["couple"]["code"] = "C-0999"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document))
    ws = unlocked.session.workspace
    unlocked.session.file_actions.import_file(source)
    wait_idle(qtbot, unlocked)
    key = ws.selected_key()
    assert key[0] == "intensive"
    out = tmp_path / "out.json"
    unlocked.session.file_actions.export_json(key[1], out)
    wait_idle(qtbot, unlocked)
    visible_dialog(QMessageBox).accept()
    assert json.loads(out.read_text())["couple"]["code"] == "C-0999"


def test_export_supervision_report_deidentified(
    qtbot: Any, unlocked: Desktop, tmp_path: Path
) -> None:
    """A supervision report is de-identified by default, password-protected on request."""
    ws = unlocked.session.workspace
    intensive = ws.model.find(("intensive", 1))
    assert intensive.isValid()
    ws.select(("intensive", 1))
    qtbot.waitUntil(unlocked.window.export_report.isEnabled, timeout=5000)
    unlocked.window.export_report.trigger()
    dialog = visible_dialog(ReportDialog)
    dialog.supervision.setChecked(True)
    assert not dialog.identified.isChecked()
    dialog.protect.setChecked(True)
    dialog.password.setText("secret1")
    dialog.repeat.setText("secret2")
    dialog.accept()
    assert dialog.message.text() == "The two report passwords differ."
    dialog.repeat.setText("secret1")
    dialog.accept()
    wait_idle(qtbot, unlocked)
    from crucible.app.ui.kit.prompts import QFileDialog

    chooser = visible_dialog(QFileDialog)
    assert chooser.selectedFiles()[0].endswith(".pdf")
    assert "Whitfield" not in chooser.selectedFiles()[0]
    target = tmp_path / "report.pdf"
    chooser.findChild(QLineEdit, "fileNameEdit").setText(str(target))
    chooser.accept()
    wait_idle(qtbot, unlocked)
    box = visible_dialog(QMessageBox)
    assert box.text() == "Saved the report as report.pdf.", box.text()
    box.accept()
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"/Encrypt" in data

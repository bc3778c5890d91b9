"""File › Export for research…: the dialog, its refusals, the export off the UI thread, progress."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from crucible.app.ui.casebook.research_export_controller import BORIS_NEEDS_ONE, NOTHING_CHOSEN
from crucible.app.ui.casebook.research_export_dialog import ResearchExportDialog
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import visible_dialog, wait_idle


def _open(qtbot: Any, unlocked: Desktop) -> ResearchExportDialog:
    ws = unlocked.session.workspace
    ws.select(("intensive", 1))
    qtbot.waitUntil(unlocked.window.export_research.isEnabled, timeout=5000)
    unlocked.window.export_research.trigger()
    wait_idle(qtbot, unlocked)
    dialog: ResearchExportDialog = visible_dialog(ResearchExportDialog)
    return dialog


def test_the_dialog_lists_intensives_with_the_selected_one_ticked_and_is_de_identified(
    qtbot: Any, unlocked: Desktop
) -> None:
    dialog = _open(qtbot, unlocked)
    assert dialog.chosen_ids() == [1]
    assert dialog.csv.isChecked()
    for box in (dialog.keep_codes, dialog.shift_dates, dialog.with_text, dialog.identified):
        assert not box.isChecked()
    dialog.identified.setChecked(True)
    assert dialog.keep_codes.isChecked()  # names without codes would be a half measure
    dialog.boris.setChecked(True)
    assert not dialog.with_text.isEnabled()
    dialog.reject()


def test_nothing_chosen_is_refused_in_place(qtbot: Any, unlocked: Desktop) -> None:
    dialog = _open(qtbot, unlocked)
    dialog.intensives.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.message.text() == NOTHING_CHOSEN
    dialog.reject()
    assert BORIS_NEEDS_ONE.startswith("A BORIS project holds one intensive")


def test_csv_export_runs_off_the_ui_thread_shows_progress_and_writes_the_tables(
    qtbot: Any, unlocked: Desktop, tmp_path: Path
) -> None:
    dialog = _open(qtbot, unlocked)
    dialog.with_text.setChecked(True)
    seen: list[int] = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.accept()
    chooser = visible_dialog(QFileDialog)
    assert chooser.fileMode() == QFileDialog.FileMode.Directory
    chooser.reject()
    files = unlocked.session.file_actions
    out = tmp_path / "out"
    out.mkdir()
    files.research.export_csv([1], out)
    assert dialog.progress.isVisible()  # shown while the export runs
    assert not dialog.intensives.isEnabled()
    wait_idle(qtbot, unlocked)
    box = visible_dialog(QMessageBox)
    assert box.text().startswith("Exported 1 intensives"), box.text()
    box.accept()
    (folder,) = out.iterdir()
    assert folder.name.startswith("crucible-research-")
    with open(folder / "intensives.csv", encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 1
    assert seen[-1] == 1
    for path in folder.iterdir():
        data = path.read_bytes()
        for word in (b"Whitfield", b"Okafor", b"Dana", b"C-0007"):
            assert word not in data, (path.name, word)
    options = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))["options"]
    assert options["with_text"] is True
    assert options["couple_codes"] == "pseudonyms"


def test_boris_export_needs_exactly_one_intensive_and_writes_the_project(
    qtbot: Any, unlocked: Desktop, tmp_path: Path
) -> None:
    dialog = _open(qtbot, unlocked)
    dialog.boris.setChecked(True)
    dialog.accept()
    chooser = visible_dialog(QFileDialog)
    assert chooser.selectedFiles()[0].endswith(".boris")
    chooser.reject()
    target = tmp_path / "one.boris"
    unlocked.session.file_actions.research.export_boris(1, target)
    wait_idle(qtbot, unlocked)
    box = visible_dialog(QMessageBox)
    assert box.text() == "Saved the BORIS project as one.boris."
    box.accept()
    assert json.loads(target.read_text(encoding="utf-8"))["project_format_version"] == "7.0"


def test_a_failed_export_is_explained_in_the_dialog(
    qtbot: Any, unlocked: Desktop, tmp_path: Path
) -> None:
    dialog = _open(qtbot, unlocked)
    inside = unlocked.session.file_actions.vault.folder
    unlocked.session.file_actions.research.export_csv([1], inside)
    wait_idle(qtbot, unlocked)
    assert dialog.isVisible()
    assert "inside the vault's folder" in dialog.message.text()
    assert dialog.intensives.isEnabled()
    dialog.reject()

"""The supervision loop through the app: two real vaults, sessions one after the other.

Supervisor exports a card; the trainee exports theirs, imports and links the
supervisor's, and sends a supervised intensive; the supervisor opens the
package (confirming the trainee's fingerprint), comments, codes two blocks
with the six keys, sees the agreement, co-signs and returns it; the trainee
opens the return: the navigator marks the intensive co-signed and the
supervision PDF carries the Review section with the same kappa as the
domain computes from the two layers.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox

from crucible.app.domain.review import review_agreement
from crucible.app.domain.review_format import format_kappa
from crucible.app.domain.vocabulary import Role
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.profile import ClinicianProfile, save_profile
from crucible.app.services.vault_access import new_vault
from crucible.app.ui.casebook.navigator_model import INTENSIVE
from crucible.app.ui.casebook.report_dialog import ReportDialog
from crucible.app.ui.hours.entry_dialogs import SupervisionEntryDialog
from crucible.app.ui.review.review_controller import ReviewController
from crucible.app.ui.shell.launch import Desktop
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_PATH
from tests.ui.conftest import unlock, visible_dialog, wait_idle

COUPLE_NAMES = ("Whitfield", "Okafor", "Dana")


def supervised_sample() -> bytes:
    """The sample intensive as a trainee's supervised intensive."""
    document = json.loads(SAMPLE_PATH.read_bytes())
    document["intensive"]["trainee"] = "Alex Kim"
    document["intensive"]["supervisor"] = "Dr. Sam Lee"
    return json.dumps(document).encode()


def make_vault(folder: Path, name: str, role: Role, document: bytes | None = None) -> int | None:
    """A locked vault with a complete profile (and the document imported); the intensive's id."""
    vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST_KDF)
    supervisor = "Dr. Sam Lee" if role is Role.TRAINEE else None
    save_profile(vault, ClinicianProfile(name, "", role, supervisor))
    intensive_id = None if document is None else import_intensive(vault, document, actor="t")
    vault.lock()
    return intensive_id


def choose_file(qtbot: Any, desktop: Desktop, path: Path) -> None:
    """Type a path into the open (Qt, non-native) file dialog and accept it."""
    chooser = visible_dialog(QFileDialog)
    chooser.findChild(QLineEdit, "fileNameEdit").setText(str(path))
    chooser.accept()
    wait_idle(qtbot, desktop)


def answer(qtbot: Any, desktop: Desktop, starts: str, button: str | None = None) -> str:
    """Click a button of the visible message box whose text starts so; return its text."""
    qtbot.waitUntil(lambda: _box(starts) is not None, timeout=10_000)
    box = _box(starts)
    assert box is not None
    text = box.text()
    if button is None:
        box.accept()
    else:
        chosen = next(b for b in box.buttons() if b.text() == button)
        chosen.click()
    wait_idle(qtbot, desktop)
    return str(text)


def _box(starts: str) -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible() and starts in widget.text():
            return widget
    return None


class Clock:
    """A recording clock that moves when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def code_block(qtbot: Any, review: ReviewController, position: int, clock: Clock) -> None:
    """Code a block with the six keys: start at the block's start, a key every ten seconds."""
    view = review.view
    view.blocks.setCurrentRow(position - 1)
    assert review.position == position
    view.pad.code_button.click()
    assert review.coding
    keys = (Qt.Key.Key_Q, Qt.Key.Key_P, Qt.Key.Key_Z, Qt.Key.Key_L, Qt.Key.Key_A)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=5000)
    for key in keys:
        clock.now += 10
        qtbot.keyClick(view.pad, key)
    view.pad.code_button.click()
    assert not review.coding


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_loop_through_the_app(
    qtbot: Any, tmp_path: Path, start_desktop: Callable[..., Desktop]
) -> None:
    trainee_folder, supervisor_folder = tmp_path / "trainee", tmp_path / "supervisor"
    files = tmp_path / "exchange"
    files.mkdir()
    intensive_id = make_vault(trainee_folder, "Alex Kim", Role.TRAINEE, supervised_sample())
    assert intensive_id is not None
    make_vault(supervisor_folder, "Dr. Sam Lee", Role.SUPERVISOR)

    # 1. The supervisor exports their card; the (empty) Reviews section is there for them.
    desktop = start_desktop(supervisor_folder)
    unlock(qtbot, desktop)
    parts = desktop.session.parts
    assert parts.reviews.section.isVisibleTo(desktop.window)
    assert parts.reviews.section.empty.isVisibleTo(desktop.window)
    desktop.window.export_card.trigger()
    choose_file(qtbot, desktop, files / "sam.crucible-card")
    sam_fingerprint = answer(qtbot, desktop, "Your card is in").split("\n")[-1]
    desktop.close()

    # 2. The trainee exports theirs, imports and links the supervisor's, sends the intensive.
    desktop = start_desktop(trainee_folder)
    unlock(qtbot, desktop)
    parts = desktop.session.parts
    assert not parts.reviews.section.isVisibleTo(desktop.window)  # a trainee receives none
    desktop.window.export_card.trigger()
    choose_file(qtbot, desktop, files / "alex.crucible-card")
    answer(qtbot, desktop, "Your card is in")
    desktop.window.import_card.trigger()
    choose_file(qtbot, desktop, files / "sam.crucible-card")
    asked = answer(qtbot, desktop, "Fingerprint", "They match: import and link as my supervisor")
    assert sam_fingerprint in asked
    answer(qtbot, desktop, "card was imported and linked")
    assert parts.casebook.select((INTENSIVE, intensive_id))
    assert not parts.reviews.mark.is_cosigned(parts.screen.tree.currentIndex())
    desktop.window.send_review.trigger()
    package = files / "C-0007.crucible-review"
    choose_file(qtbot, desktop, package)
    answer(qtbot, desktop, "de-identified and sealed to Dr. Sam Lee")
    for name in COUPLE_NAMES:
        assert name.encode() not in package.read_bytes()
    desktop.close()

    # 3. The supervisor opens it (confirming the new sender), comments, codes, co-signs, returns.
    desktop = start_desktop(supervisor_folder)
    unlock(qtbot, desktop)
    parts = desktop.session.parts
    desktop.window.open_package.trigger()
    choose_file(qtbot, desktop, package)
    answer(qtbot, desktop, "signed by a card this vault does not hold", "They match: open it")
    answer(qtbot, desktop, "This was a review package from Alex Kim")
    assert parts.reviews.section.model.rowCount() == 1
    (review,) = parts.reviews.reviews.values()
    view = review.view
    assert "Partner A" in view.sender_line.text()
    view.intensive_comments.text.setPlainText("Well paced; the Day 2 repair landed.")
    view.intensive_comments.add.click()
    view.blocks.setCurrentRow(0)
    view.block_comments.text.setPlainText("Partner A went one-up at the interruption.")
    view.block_comments.add.click()
    clock = Clock()
    review.elapsed = clock
    code_block(qtbot, review, 1, clock)
    code_block(qtbot, review, 4, clock)
    assert set(review.layer) == {1, 4}
    assert all(len(review.layer[p]) == 5 for p in (1, 4))
    rows = view.agreement.rows_model
    assert [rows.index(r, 0).data() for r in range(rows.rowCount())][-1] == "Overall"
    expected = review_agreement(review.intensive, review.layer)
    assert rows.index(rows.rowCount() - 1, 1).data() == format_kappa(expected.overall.kappa)
    trainee_blocks_untouched = len(review.intensive.days[0].blocks[0].observations)
    view.cosign.click()
    answer(qtbot, desktop, "Co-sign this intensive?", "Co-sign")
    assert "Co-signed by Dr. Sam Lee" in view.signed_line.text()
    assert not view.cosign.isEnabled()
    view.return_button.click()
    returned = files / "C-0007-return.crucible-review"
    choose_file(qtbot, desktop, returned)
    answer(qtbot, desktop, "sealed to Alex Kim's card")
    assert "co-signed" in parts.reviews.section.model.index(0).data()
    assert len(review.intensive.days[0].blocks[0].observations) == trainee_blocks_untouched
    desktop.close()

    # 4. The trainee opens the return: co-signed in the navigator, Review section in the PDF.
    desktop = start_desktop(trainee_folder)
    unlock(qtbot, desktop)
    parts = desktop.session.parts
    desktop.window.open_package.trigger()
    choose_file(qtbot, desktop, returned)
    answer(qtbot, desktop, "This was Dr. Sam Lee's return of your review", "Count it in my hours…")
    form = parts.hours.controller
    assert form is not None  # Tools › Hours opened on the supervision form, filled in
    entry = visible_dialog(SupervisionEntryDialog)
    assert entry.supervisor.text() == "Dr. Sam Lee"
    assert entry.intensive_ids == (intensive_id,)
    entry.reject()
    form.view.close()
    assert parts.casebook.select((INTENSIVE, intensive_id))
    tree = parts.screen.tree
    index = tree.currentIndex()
    assert parts.reviews.mark.is_cosigned(index)
    assert parts.reviews.mark.signed_at(index) is not None
    assert _painted_text(tree, index).endswith(" · co-signed")
    desktop.window.export_report.trigger()
    dialog = visible_dialog(ReportDialog)
    dialog.supervision.setChecked(True)
    dialog.accept()
    wait_idle(qtbot, desktop)
    pdf_path = files / "supervision.pdf"
    choose_file(qtbot, desktop, pdf_path)
    answer(qtbot, desktop, "Saved the report")
    pages = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf_path.read_bytes())).pages]
    review_text = " ".join(" ".join(pages[-2:]).split())
    assert "Review" in review_text
    assert sam_fingerprint in review_text
    assert "Well paced; the Day 2 repair landed." in review_text
    assert "Partner A went one-up at the interruption." in review_text
    assert f"Overall {format_kappa(expected.overall.kappa)}" in review_text
    assert parts.casebook.select((INTENSIVE, intensive_id))
    desktop.window.returned_review.trigger()
    returned_view = parts.reviews.returned
    assert returned_view is not None
    assert returned_view.signed.text().startswith("Co-signed by Dr. Sam Lee on ")
    assert sam_fingerprint in returned_view.signed.text()
    assert "Partner A went one-up at the interruption." in returned_view.comments.toPlainText()
    shown_rows = returned_view.agreement.rows_model
    last = shown_rows.rowCount() - 1
    assert shown_rows.index(last, 1).data() == format_kappa(expected.overall.kappa)
    desktop.session.lock()
    qtbot.waitUntil(lambda: parts.reviews.returned is None, timeout=5000)
    desktop.close()


def _painted_text(tree: Any, index: Any) -> str:
    from PySide6.QtWidgets import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    tree.itemDelegate().initStyleOption(option, index)
    return str(option.text)

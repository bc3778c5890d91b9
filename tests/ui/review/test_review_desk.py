"""Opening packages and cards in the app when something is wrong: one sentence, nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from crucible.app.services.review_inbox import review_intensive
from crucible.app.ui.review.review_window import ReviewWindow
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import unlock
from tests.ui.review.conftest import Pair
from tests.ui.review.test_review_loop_app import answer, choose_file


def _reviews(desktop: Desktop) -> int:
    parts = desktop.session.parts
    assert parts is not None
    return int(parts.reviews.section.model.rowCount())


def test_a_package_changed_by_one_byte_is_refused_in_one_sentence(
    qtbot: Any, sent: Pair, start_desktop: Callable[..., Desktop]
) -> None:
    """The seal does not verify: the error box says so, the Reviews section stays empty."""
    data = bytearray(sent.package.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed = sent.files / "changed.crucible-review"
    changed.write_bytes(bytes(data))
    desktop = start_desktop(sent.supervisor)
    unlock(qtbot, desktop)
    desktop.window.open_package.trigger()
    choose_file(qtbot, desktop, changed)
    text = answer(qtbot, desktop, "")
    assert text.count(".") == 1, text
    assert "Traceback" not in text
    assert _reviews(desktop) == 0


def test_an_unconfirmed_sender_stores_nothing_and_a_confirmed_one_opens(
    qtbot: Any, sent: Pair, start_desktop: Callable[..., Desktop]
) -> None:
    """Cancel at the fingerprint: no review. Open again and confirm: one review, window open."""
    desktop = start_desktop(sent.supervisor)
    unlock(qtbot, desktop)
    desktop.window.open_package.trigger()
    choose_file(qtbot, desktop, sent.package)
    asked = answer(qtbot, desktop, "does not hold yet", "Cancel")
    assert "Alex Kim" in asked
    assert _reviews(desktop) == 0
    desktop.window.open_package.trigger()
    choose_file(qtbot, desktop, sent.package)
    answer(qtbot, desktop, "does not hold yet", "They match: open it")
    answer(qtbot, desktop, "This was a review package")
    assert _reviews(desktop) == 1


def test_locking_closes_the_review_windows(
    qtbot: Any, sent: Pair, start_desktop: Callable[..., Desktop]
) -> None:
    """No de-identified intensive stays on screen once the vault locks."""
    desktop = start_desktop(sent.supervisor)
    unlock(qtbot, desktop)
    desktop.window.open_package.trigger()
    choose_file(qtbot, desktop, sent.package)
    answer(qtbot, desktop, "does not hold yet", "They match: open it")
    answer(qtbot, desktop, "This was a review package")
    assert _review_windows()
    desktop.session.lock()
    qtbot.waitUntil(lambda: not _review_windows(), timeout=5000)


def _review_windows() -> list[ReviewWindow]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ReviewWindow) and w.isVisible()
    ]


def test_a_damaged_card_file_is_one_sentence(
    qtbot: Any, sent: Pair, start_desktop: Callable[..., Desktop], tmp_path: Path
) -> None:
    """A truncated card: the reader's sentence, no question asked, nothing imported."""
    card = sent.files / "sam.crucible-card"
    broken = tmp_path / "broken.crucible-card"
    broken.write_bytes(card.read_bytes()[:20])
    desktop = start_desktop(sent.trainee)
    unlock(qtbot, desktop)
    desktop.window.import_card.trigger()
    choose_file(qtbot, desktop, broken)
    text = answer(qtbot, desktop, "")
    assert "Traceback" not in text
    parts = desktop.session.parts
    assert parts is not None
    assert parts.cards.question is None
    desktop.window.cards.trigger()
    dialog = parts.cards.dialog
    assert dialog is not None
    assert dialog.table.rowCount() == 1  # only the supervisor's, linked before
    assert dialog.table.item(0, 4).text() == "my supervisor"


def test_coding_by_the_caps_and_removing_one_never_touches_the_trainee(
    qtbot: Any, sent: Pair, start_desktop: Callable[..., Desktop]
) -> None:
    """Two observations by mouse at the recording's clock, one removed: one left, trainee's same."""
    desktop = start_desktop(sent.supervisor)
    unlock(qtbot, desktop)
    desktop.window.open_package.trigger()
    choose_file(qtbot, desktop, sent.package)
    answer(qtbot, desktop, "does not hold yet", "They match: open it")
    answer(qtbot, desktop, "This was a review package")
    parts = desktop.session.parts
    assert parts is not None
    (review,) = parts.reviews.reviews.values()
    before = review.intensive
    now = [100.0]
    review.elapsed = lambda: now[0]
    view = review.view
    view.blocks.setCurrentRow(1)
    caps = list(view.pad.caps.values())
    assert not caps[0].isEnabled()
    view.pad.code_button.click()
    start = review.recording_time()
    assert start is not None
    now[0] += 42
    caps[0].click()
    now[0] += 5
    caps[5].click()
    layer = review.layer[2]
    assert [round((o.at - start).total_seconds()) for o in layer] == [42, 47]
    view.pad.layer.selectRow(0)
    view.pad.remove.click()
    assert len(review.layer[2]) == 1
    stored = review_intensive(review.vault, review.review_id)  # the trainee's, from the vault
    assert [len(b.observations) for d in stored.days for b in d.blocks] == [
        len(b.observations) for d in before.days for b in d.blocks
    ]
    assert "Block 2" in view.blocks.item(1).text()
    assert "you coded 1" in view.blocks.item(1).text()

"""The agreement view: per-block rows, the confusion table that follows the chosen row."""

from __future__ import annotations

from typing import Any

from crucible.app.domain.review import review_agreement
from crucible.app.domain.review_format import format_kappa
from crucible.app.ui.review.agreement_view import AgreementView
from tests.domain.builders import DOWN, SAME, UP, A, B, block, day, intensive, obs


def _cell(model: Any, row: int, column: int) -> str:
    return str(model.index(row, column).data())


def test_rows_confusion_and_one_sided_events_follow_the_chosen_row(qtbot: Any) -> None:
    """Block 1 first; choosing Overall pools both blocks' matched and one-sided events."""
    one = block(obs(10, A, UP), obs(20, B, DOWN), obs(30, A, SAME), title="Opening")
    two = block(obs(10, A, DOWN), obs(40, B, UP), title="Repair")
    subject = intensive(day(1, one), day(2, two))
    layer = {1: (obs(12, A, UP), obs(21, B, UP), obs(33, A, SAME)), 2: (obs(11, A, UP),)}
    agreement = review_agreement(subject, layer)
    view = AgreementView()
    qtbot.addWidget(view)
    view.show_agreement(subject, agreement)
    view.resize(900, 600)
    view.show()
    rows = view.rows_model
    assert rows.rowCount() == 3
    assert _cell(rows, 0, 0) == "Block 1: Opening"
    assert _cell(rows, 0, 1) == format_kappa(agreement.blocks[1].kappa)
    assert _cell(rows, 2, 0) == "Overall"
    confusion = view.confusion_model
    # Block 1: trainee one-down where the supervisor said one-up (row 3, column 1)
    assert _cell(confusion, 2, 0) == "1"
    assert _cell(confusion, 3, 3) == "3"
    assert view.one_sided_model.rowCount() == 0
    view.choose_row(2)
    assert _cell(confusion, 3, 3) == "4"
    assert _cell(confusion, 2, 1) == "0"
    assert _cell(confusion, 2, 0) == "2"
    assert view.one_sided_model.rowCount() == 1
    assert [_cell(view.one_sided_model, 0, c) for c in range(4)] == [
        "Trainee",
        "09:00:40",
        "Partner B",
        "One-up",
    ]
    assert "1 trainee, 0 supervisor" in view.one_sided_box.title()
    assert not view.empty.isVisible()


def test_no_coded_block_says_so_instead_of_an_empty_table(qtbot: Any) -> None:
    """A review returned without coding shows one sentence."""
    subject = intensive(day(1, block(obs(10))))
    view = AgreementView()
    qtbot.addWidget(view)
    view.show_agreement(subject, review_agreement(subject, {}))
    view.show()
    assert view.empty.isVisible()
    assert not view.rows.isVisible()

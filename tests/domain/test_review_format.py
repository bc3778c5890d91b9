"""The review's rows and wording, shared by the agreement view, the PDFs and the summary."""

from __future__ import annotations

from datetime import UTC, datetime

from crucible.app.domain.intensive import Intensive
from crucible.app.domain.review import (
    Card,
    CoSignature,
    IntensiveReview,
    ReviewAgreement,
    ReviewComment,
    review_agreement,
)
from crucible.app.domain.review_format import (
    OVERALL,
    agreement_rows,
    confusion_lines,
    confusion_table,
    format_kappa,
    review_as_text,
)
from crucible.app.domain.vocabulary import Role

from .builders import DOWN, SAME, UP, A, B, block, day, intensive, obs

SIGNED = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)


def _subject() -> tuple[Intensive, IntensiveReview, ReviewAgreement]:
    one = block(obs(10, A, UP), obs(20, B, DOWN), obs(30, A, SAME), title="Opening")
    two = block(obs(10, A, DOWN), obs(40, B, UP), title="Repair")
    three = block(obs(5, A, UP), title="Untouched")
    subject = intensive(day(1, one, two), day(2, three))
    layer = {1: (obs(12, A, UP), obs(21, B, UP), obs(33, A, SAME), obs(300, B, SAME)), 2: ()}
    card = Card("Dr. Sam Lee", Role.SUPERVISOR, bytes(32), bytes(range(32)))
    review = IntensiveReview(
        supervisor=card,
        comments=(
            ReviewComment(None, "Solid first intensive.", SIGNED),
            ReviewComment(1, "You caught the flip at 0:20 late.", SIGNED),
        ),
        supervisor_layer=layer,
        cosignature=CoSignature(card.name, card.fingerprint, SIGNED, "ab" * 32, bytes(64)),
        returned_at=SIGNED,
        changed_after_review=(2,),
    )
    return subject, review, review_agreement(subject, layer)


def test_rows_name_coded_blocks_by_position_and_pool_the_overall_line() -> None:
    """Block 3 was not coded and has no row; overall counts both blocks' one-sided events."""
    subject, _review, agreement = _subject()
    rows = agreement_rows(subject, agreement)
    assert [r.label for r in rows] == ["Block 1: Opening", "Block 2: Repair", OVERALL]
    assert rows[0].matched == 3
    assert rows[0].only_supervisor == 1
    assert rows[1].kappa is None
    assert rows[1].cells()[1] == "n/a"
    assert rows[-1].only_trainee == rows[1].only_trainee == 2
    assert rows[-1].kappa == agreement.overall.kappa


def test_confusion_table_puts_the_trainee_in_rows() -> None:
    """The trainee said one-down where the supervisor said one-up: row one-down, column one-up."""
    _intensive, _review, agreement = _subject()
    table = confusion_table(agreement.blocks.values())
    assert table == ((1, 0, 0), (0, 1, 0), (1, 0, 0))
    assert confusion_lines(table)[-1] == ("Total", "2", "1", "0", "3")


def test_text_names_the_signer_the_comments_the_table_and_the_flag() -> None:
    """Everything the PDF's Review section holds, in a terminal."""
    subject, review, agreement = _subject()
    text = review_as_text(review, agreement, subject)
    assert "Co-signed by Dr. Sam Lee on 2026-12-01" in text
    assert review.cosignature is not None
    assert review.cosignature.fingerprint in text
    assert "Added after review: Block 2: Repair." in text
    assert "Block 1: Opening:\n  - You caught the flip at 0:20 late." in text
    overall = next(line for line in text.splitlines() if line.startswith("Overall "))
    assert overall.split()[1] == format_kappa(agreement.overall.kappa)

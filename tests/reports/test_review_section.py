"""The Review section of both PDFs: co-signature, comments, agreement, the after-review flag."""

from __future__ import annotations

from dataclasses import replace

from crucible.app.domain.intensive import Intensive
from crucible.app.domain.review import ReviewComment, review_agreement
from crucible.app.domain.review_format import format_kappa
from crucible.reports import ReportOptions, build_summary_report, build_supervision_report
from tests.reports.conftest import CANARY_A, CANARY_B, decompressed_streams, page_texts
from tests.review_samples import BLOCK_COMMENT, INTENSIVE_COMMENT, SIGNED_AT, SUPERVISOR, review_of


def _review_pages(pdf: bytes) -> str:
    pages = page_texts(pdf)
    start = next(i for i, text in enumerate(pages) if "\nReview\n" in f"\n{text}\n")
    return "\n".join(pages[start:])


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_summary_pdf_prints_signature_comments_and_kappa(
    sample: Intensive, options: ReportOptions
) -> None:
    """Everything the supervisor returned, in the clinical record, with the domain's kappa."""
    review = review_of(sample, changed_after_review=(4,))
    text = _squash(_review_pages(build_summary_report(sample, options, review)))
    assert f"Supervisor {SUPERVISOR.name}" in text
    assert SUPERVISOR.fingerprint in text
    assert f"{SIGNED_AT:%Y-%m-%d}" in text
    assert _squash(INTENSIVE_COMMENT) in text
    assert _squash(BLOCK_COMMENT) in text
    assert "Added after review: Block 4: Joint: joining through the truth." in text
    notes = " ".join(" ".join(page_texts(build_summary_report(sample, options, review))).split())
    assert notes.count("Added after review: this note gained an addendum") == 1
    flagged_at = notes.index("Added after review: this note gained an addendum")
    heading = notes.rindex("Joint: joining through the truth", 0, flagged_at)
    assert flagged_at - heading < 250  # under block 4's own heading and status line
    agreement = review_agreement(sample, review.supervisor_layer)
    assert f"Overall {format_kappa(agreement.overall.kappa)}" in text
    assert f"Block 1: Joint: history and pattern {format_kappa(agreement.blocks[1].kappa)}" in text
    assert "Matched events, all coded blocks" in text


def test_supervision_pdf_review_is_deidentified_like_the_rest(
    canary: Intensive, options: ReportOptions
) -> None:
    """A name the supervisor typed into a comment is replaced as the notes' names are."""
    review = review_of(canary)
    typed = ReviewComment(
        None, f"{CANARY_A} and {CANARY_B.split()[0]} spoke over each other.", SIGNED_AT
    )
    review = replace(review, comments=(*review.comments, typed))
    pdf = build_supervision_report(canary, options, review)
    text = _squash(_review_pages(pdf))
    assert "Partner A and Partner B spoke over each other." in text
    streams = decompressed_streams(pdf)
    for name in (CANARY_A, CANARY_B, *CANARY_A.split(), *CANARY_B.split()):
        assert name.encode() not in streams


def test_without_a_review_the_reports_are_unchanged(
    sample: Intensive, options: ReportOptions
) -> None:
    """Same pages, same text, as before the Review section existed."""
    for build in (build_summary_report, build_supervision_report):
        before = page_texts(build(sample, options))
        after = page_texts(build(sample, options, None))
        assert after == before
        assert not any("Card fingerprint" in page for page in after)
    texts = page_texts(build_supervision_report(sample, options))
    assert any("Supervisor's comments" in page for page in texts)


def test_a_review_returned_unsigned_and_uncoded_says_both(
    sample: Intensive, options: ReportOptions
) -> None:
    """No co-signature, no coding: one sentence each, no empty table."""
    review = review_of(sample, coded=(), cosigned=False)
    text = _squash(_review_pages(build_supervision_report(sample, options, review)))
    assert "Not co-signed" in text
    assert "The supervisor did not code any block." in text
    assert "Event κ" not in text

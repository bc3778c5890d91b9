"""The supervision report: the summary, the trainee's reflections, room for the supervisor.

It leaves the practice, so it is de-identified by default: the intensive is
passed through :func:`app.domain.deidentify.deidentify_intensive` *before*
anything is computed or laid out, and the figures are summarized with
``deidentify=True``. Every string the layout sees (body text, chart labels,
table cells, metadata) therefore already says "Partner A"/"Partner B" and
the couple's code; no later step has to remember to hide a name.
"""

from __future__ import annotations

from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from crucible.app.domain.analytics import summarize_intensive
from crucible.app.domain.deidentify import deidentify_intensive
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.review import IntensiveReview
from crucible.reports.layout import DocumentMeta, frame_width, render_pdf
from crucible.reports.notes import signature_block, signers
from crucible.reports.options import ReportOptions
from crucible.reports.review_section import review_section, shown_review
from crucible.reports.styles import RULE, Styles, make_styles
from crucible.reports.summary_report import summary_story
from crucible.reports.textflow import text_flowables

__all__ = ["build_supervision_report"]

_DEIDENTIFIED_NOTE = (
    "De-identified: the partners appear as Partner A and Partner B and the couple by its "
    "code, in the text, the charts and the document properties."
)


def _reflections(intensive: Intensive, styles: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Trainee's reflections", styles.h1)]
    body = text_flowables(intensive.reflections, styles.body, width)
    out += body or [Paragraph("The trainee has not written reflections.", styles.small)]
    return out


def _supervisor_fields(intensive: Intensive, styles: Styles, width: float) -> list[Flowable]:
    """A ruled box for handwritten comments, then date and signature lines."""
    lines = Table([[""] for _ in range(14)], colWidths=[width], rowHeights=[22] * 14)
    lines.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("BOX", (0, 0), (-1, -1), 0.8, RULE),
            ]
        )
    )
    comments: list[Flowable] = [
        Paragraph("Supervisor's comments", styles.h1),
        Paragraph(
            "For the supervisor: what went well, what to try next time, and anything to "
            "discuss before the next intensive.",
            styles.small,
        ),
        Spacer(1, 6),
        lines,
        Spacer(1, 16),
    ]
    lines = signers(intensive, for_supervisor=True)
    return [KeepTogether(comments), *signature_block(lines, styles, width)]


def build_supervision_report(
    intensive: Intensive, options: ReportOptions, review: IntensiveReview | None = None
) -> bytes:
    """Build the report a trainee sends to their supervisor.

    Args:
        intensive: The (identified) intensive from the vault.
        options: ``identified=True`` keeps the partners' names (for a
            supervisor inside the practice); by default they are removed.
        review: What the supervisor returned, if anything: a Review section
            (comments redacted like the rest) takes the place of the ruled
            box for handwritten comments. Without one the report is as before.

    Returns:
        The PDF, in memory.
    """
    deidentified = not options.identified
    shown = deidentify_intensive(intensive) if deidentified else intensive
    styles = make_styles()
    width = frame_width(options.paper)
    summary = summarize_intensive(shown, options.flip_window_s, deidentify=deidentified)
    extra = (("Identification", _DEIDENTIFIED_NOTE),) if deidentified else ()
    flagged = frozenset(review.changed_after_review) if review is not None else frozenset()
    story = summary_story(
        shown, summary, options, styles, "Supervision report", extra, after_review=flagged
    )
    story += _reflections(shown, styles, width)
    if review is None:
        story += _supervisor_fields(shown, styles, width)
    else:
        returned = shown_review(review, intensive) if deidentified else review
        story.append(PageBreak())
        story += review_section(returned, shown, styles, width)
        story += signature_block(signers(shown, for_supervisor=True), styles, width)
    code = shown.couple.code
    author = shown.trainee or shown.clinician
    meta = DocumentMeta(
        title=f"Crucible supervision report — {code}",
        author=author,
        subject=f"Supervision report for couple {code}, starting {shown.first_date:%Y-%m-%d}",
        keywords=(
            "Crucible",
            "supervision report",
            code,
            "de-identified" if deidentified else "identified",
            "confidential",
        ),
        header_left=f"Crucible · Supervision report · {code}"
        + (" · de-identified" if deidentified else ""),
        report_date=options.date_or_today(),
    )
    return render_pdf(story, meta, options.paper)

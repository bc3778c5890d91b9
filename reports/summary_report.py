"""The intensive summary: the clinical record of one couple's intensive, as a PDF.

Cover and headline sentences first (what a reader wants in ten seconds),
then each partner's profile, the timeline, the first-day/last-day
comparison, the block notes in order with their signature status and
addenda, and signature lines. :func:`summary_story` is shared with the
supervision report, which adds its own parts around it.
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, PageBreak, Paragraph

from crucible.app.domain.analytics import IntensiveSummary, summarize_intensive
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.review import IntensiveReview
from crucible.app.domain.timeline import timeline_series
from crucible.app.domain.vocabulary import PartnerKey
from crucible.reports.charts import TIMELINE_HEIGHT
from crucible.reports.layout import DocumentMeta, frame_width, render_pdf
from crucible.reports.notes import notes_section, signature_block, signers
from crucible.reports.options import ReportOptions
from crucible.reports.review_section import review_section
from crucible.reports.sections import (
    comparison_section,
    cover_section,
    headlines,
    profile_section,
    timeline_section,
)
from crucible.reports.styles import Styles, make_styles

__all__ = ["build_summary_report", "summary_story"]


def summary_story(
    intensive: Intensive,
    summary: IntensiveSummary,
    options: ReportOptions,
    styles: Styles,
    heading: str,
    extra_cover_rows: tuple[tuple[str, str], ...] = (),
    after_review: frozenset[int] = frozenset(),
) -> list[Flowable]:
    """The flowables common to both reports, up to (not including) the signatures.

    Args:
        intensive: The intensive as it should be shown (de-identified or not).
        summary: Its figures, from :func:`summarize_intensive` on the same intensive.
        options: Report options (paper, flip window, date, preparer).
        styles: Report styles.
        heading: The cover title.
        extra_cover_rows: More facts for the cover table.
        after_review: Block positions whose note is flagged "added after review".
    """
    width = frame_width(options.paper)
    labels = {key: summary.partners[key].label for key in PartnerKey}
    story: list[Flowable] = cover_section(
        intensive,
        styles,
        heading,
        options.date_or_today(),
        options.prepared_by,
        summary.flip_window_s,
        extra_cover_rows,
    )
    story += headlines(summary, styles)
    story.append(PageBreak())
    story.append(Paragraph("Partner profiles", styles.h1))
    for index, key in enumerate(PartnerKey):
        if index:
            story.append(CondPageBreak(260))  # a profile's chart and table, on one page if it can
        pronouns = intensive.couple.partner(key).pronouns
        story += profile_section(summary.partners[key], styles, width, pronouns)
    story.append(CondPageBreak(TIMELINE_HEIGHT + 90))
    series = timeline_series(intensive, options.flip_window_s)
    lanes = {k: v if v == f"Partner {k}" else f"Partner {k}: {v}" for k, v in labels.items()}
    story += timeline_section(series, lanes, styles, width)
    story += comparison_section(summary, styles, width)
    story.append(PageBreak())
    story += notes_section(
        intensive,
        {k.value: v for k, v in labels.items()},
        styles,
        width,
        options.flip_window_s,
        after_review,
    )
    return story


def build_summary_report(
    intensive: Intensive, options: ReportOptions, review: IntensiveReview | None = None
) -> bytes:
    """Build the intensive summary for the clinical record.

    The summary is identified: partners appear by name, as the record needs.
    The PDF's metadata still names the couple only by its code, because file
    browsers and search indexes show metadata to anyone at the machine.

    Args:
        intensive: The intensive to report.
        options: Paper, flip window, report date, preparer.
        review: What the supervisor returned for this intensive, if anything: it
            adds a Review section before the signatures. Without one the
            report is exactly as before.

    Returns:
        The PDF, in memory.
    """
    styles = make_styles()
    summary = summarize_intensive(intensive, options.flip_window_s)
    flagged = frozenset(review.changed_after_review) if review is not None else frozenset()
    story = summary_story(
        intensive, summary, options, styles, "Intensive summary", after_review=flagged
    )
    if review is not None:
        story.append(PageBreak())
        story += review_section(review, intensive, styles, frame_width(options.paper))
    story += signature_block(signers(intensive), styles, frame_width(options.paper))
    code = intensive.couple.code
    meta = DocumentMeta(
        title=f"Crucible intensive summary — {code}",
        author=intensive.clinician,
        subject=f"Intensive summary for couple {code}, starting {intensive.first_date:%Y-%m-%d}",
        keywords=("Crucible", "intensive summary", code, "confidential"),
        header_left=f"Crucible · Intensive summary · {code}",
        report_date=options.date_or_today(),
    )
    return render_pdf(story, meta, options.paper)

"""The Review section: what came back from the supervisor, as both PDFs print it.

A returned review is the supervisor's word on the trainee's work, so the
section leads with who co-signed and the card fingerprint to check it by,
then anything that changed after they signed (an addendum is the only way
a signed note changes), their comments on the intensive and per block,
and how far the two codings agree, per block and pooled, with the
confusion table. The rows and wording are :mod:`app.domain.review_format`'s,
so the PDF, the app and ``crucible summary`` say the same thing.

The builders pass the intensive **as shown** (de-identified for the
supervision report) and a review whose comments went through the same
redaction (:func:`shown_review`), so no later step has to remember to hide
a name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from reportlab.lib import colors
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from crucible.app.domain.deidentify import name_redactor
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.review import IntensiveReview, numbered_blocks, review_agreement
from crucible.app.domain.review_format import (
    agreement_rows,
    block_label,
    changed_after_review_line,
    confusion_header,
    confusion_lines,
    confusion_table,
    tolerance_phrase,
)
from crucible.reports.fonts import BOLD_FONT
from crucible.reports.styles import FLIP_COLOUR, Styles
from crucible.reports.tables import figure_table, key_value_table
from crucible.reports.textflow import inline, text_flowables

__all__ = ["review_section", "shown_review"]

_FLAG_FILL = colors.HexColor("#FDECEA")
_PDF_GROUPS = (("Matched events", 1, 3), ("Time-sliced", 4, 5), ("Logged only by", 6, 7))
_PDF_COLUMNS = ("Block", "κ", "Agree", "Pairs", "κ", "Agree", "Trainee", "Superv.")
"""AGREEMENT_COLUMNS under three group titles, so each fits its narrow column on paper.

The count of partner-seconds compared (the app's "Seconds") is left out:
eight narrow columns fit a page, nine do not.
"""
_PDF_CELLS = (0, 1, 2, 3, 4, 5, 7, 8)


def shown_review(review: IntensiveReview, intensive: Intensive) -> IntensiveReview:
    """The review with the couple's names taken out of every comment, as in the PDF's notes.

    The supervisor wrote on a de-identified package, but could still have
    typed a name they knew; the supervision report leaves the practice.
    """
    redact: Callable[[str], str] = name_redactor(intensive.couple.partners)
    comments = tuple(replace(c, text=redact(c.text)) for c in review.comments)
    return replace(review, comments=comments)


def _signature_facts(review: IntensiveReview, styles: Styles, width: float) -> Flowable:
    signed = review.cosignature
    rows = [("Supervisor", review.supervisor.name)]
    if signed is None:
        rows.append(("Co-signed", "Not co-signed: returned with comments only"))
    else:
        rows.append(("Co-signed", f"{signed.signed_at:%Y-%m-%d %H:%M %Z}".strip()))
        rows.append(("Card fingerprint", signed.fingerprint))
    rows.append(("Returned", f"{review.returned_at:%Y-%m-%d}"))
    return key_value_table(rows, styles, width)


def _flag(text: str, styles: Styles, width: float) -> Flowable:
    """A tinted box with a red rule: the one thing in the section a reader must not miss."""
    cell = Paragraph(inline(text), styles.body)
    box = Table([[cell]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), _FLAG_FILL),
                ("LINEBEFORE", (0, 0), (0, -1), 3, FLIP_COLOUR),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def _comments(
    review: IntensiveReview, intensive: Intensive, styles: Styles, width: float
) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Supervisor's comments", styles.h2)]
    blocks = numbered_blocks(intensive)
    positions = sorted({c.block for c in review.comments if c.block is not None})
    groups: list[tuple[str, int | None]] = [("On the intensive", None)]
    groups += [
        (block_label(p, blocks[p - 1]) if 1 <= p <= len(blocks) else f"Block {p}", p)
        for p in positions
    ]
    written = False
    for title, position in groups:
        comments = review.comments_on(position)
        if not comments:
            continue
        written = True
        out.append(Paragraph(inline(title, BOLD_FONT), styles.h3))
        for comment in comments:
            out += text_flowables(comment.text, styles.note, width)
    if not written:
        out.append(Paragraph("The supervisor left no comments.", styles.small))
    return out


def _agreement(
    review: IntensiveReview, intensive: Intensive, styles: Styles, width: float
) -> list[Flowable]:
    agreement = review_agreement(intensive, review.supervisor_layer)
    out: list[Flowable] = [Paragraph("Agreement between the two codings", styles.h2)]
    if not agreement.blocks:
        out.append(Paragraph("The supervisor did not code any block.", styles.small))
        return out
    out.append(
        Paragraph(
            inline(
                "The trainee's live coding against the supervisor's own coding of the same "
                f"blocks. Event κ: Cohen's kappa on the stances of events both logged "
                f"({tolerance_phrase(agreement)}). Time κ: the same over every second, each "
                "partner's stance held until their next observation. Overall pools the "
                "blocks' events and seconds."
            ),
            styles.small,
        )
    )
    rows = [[row.cells()[i] for i in _PDF_CELLS] for row in agreement_rows(intensive, agreement)]
    table = figure_table(
        _PDF_COLUMNS,
        rows,
        styles,
        width,
        first_col=0.26,
        groups=(len(rows) - 1,),
        band_columns=(1, 4, 6),
        group_header=_PDF_GROUPS,
    )
    out.append(table)
    confusion = confusion_lines(confusion_table(agreement.blocks.values()))
    out.append(
        KeepTogether(
            [
                Paragraph("Matched events, all coded blocks", styles.h3),
                Paragraph(
                    "Rows: the trainee's stance; columns: the supervisor's. "
                    "Agreement lies on the diagonal.",
                    styles.small,
                ),
                figure_table(confusion_header(), confusion, styles, width, first_col=0.3),
            ]
        )
    )
    return out


def review_section(
    review: IntensiveReview, intensive: Intensive, styles: Styles, width: float
) -> list[Flowable]:
    """The Review section's flowables, starting with its heading.

    Args:
        review: What the supervisor returned (comments already redacted where needed).
        intensive: The intensive as the report shows it (its block titles name the rows).
        styles: Report styles.
        width: The frame width.
    """
    out: list[Flowable] = [
        Paragraph("Review", styles.h1),
        _signature_facts(review, styles, width),
    ]
    flagged = changed_after_review_line(intensive, review)
    if flagged:
        out += [Spacer(1, 8), _flag(flagged, styles, width)]
    out += _comments(review, intensive, styles, width)
    out += _agreement(review, intensive, styles, width)
    return out

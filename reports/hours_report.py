"""The hours log PDF: a period's contact and supervision hours, toward the target, to be signed.

A trainee sends it to a supervisor and on to a licensing board, so it is
de-identified by construction: the :class:`~app.domain.hours_log.HoursLog`
it is built from carries couple codes, never names. Every number is read
from the same log as ``crucible hours --json`` and ``--csv`` (the tests
read the PDF's text back and compare), in hours:minutes beside the minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from crucible.app.domain.hours_log import HoursLog, csv_rows, hours_text
from crucible.app.domain.hours_targets import ratio_sentence
from crucible.reports.fonts import BODY_FONT, BOLD_FONT
from crucible.reports.layout import DocumentMeta, frame_width, render_pdf
from crucible.reports.notes import signature_block
from crucible.reports.styles import HEADER_FILL, INK, RULE, TINT, Styles, make_styles
from crucible.reports.tables import figure_table, key_value_table
from crucible.reports.textflow import inline

__all__ = ["HoursReportPeople", "build_hours_report"]

_DEIDENTIFIED = (
    "De-identified: clients appear only by their couple code; no name is in this document."
)


@dataclass(frozen=True, slots=True)
class HoursReportPeople:
    """Who signs the log: the trainee (the vault's owner) and their supervisor, if named."""

    trainee: str
    supervisor: str = ""


def _period(log: HoursLog) -> str:
    start = log.date_from.isoformat() if log.date_from else "the first entry"
    end = log.date_to.isoformat() if log.date_to else "the last entry"
    return f"{start} to {end}"


def _totals(log: HoursLog, styles: Styles, width: float) -> list[Flowable]:
    def row(label: str, minutes: int) -> list[str]:
        return [label, str(minutes), hours_text(minutes)]

    rows = [
        row("Contact: relational", log.contact.relational),
        row("Contact: individual", log.contact.individual),
        row("Contact: total", log.contact.total),
        row("Contact: claimable under the ratio", log.claimable.total),
        row("Supervision: individual", log.supervision.individual),
        row("Supervision: group", log.supervision.group),
        row("Supervision: with observable data", log.supervision.observable),
        row("Supervision: total", log.supervision.total),
    ]
    return [
        Paragraph("Totals for the period", styles.h1),
        figure_table(["Category", "Minutes", "Hours"], rows, styles, width, groups=[4]),
    ]


def _progress(log: HoursLog, styles: Styles, width: float) -> list[Flowable]:
    preset = log.target.preset
    out: list[Flowable] = [Paragraph("Toward the target", styles.h1)]
    out.append(Paragraph(f"{preset.name}. Source: {preset.source}.", styles.small))
    if preset.ratio is not None:
        out.append(Paragraph(ratio_sentence(preset.ratio), styles.small))
    if not log.progress:
        out.append(Paragraph("This target sets no hour counts, only the ratio.", styles.small))
        return out
    rows = [
        [
            item.category.label,
            hours_text(item.required),
            hours_text(item.logged),
            hours_text(item.claimable),
            f"{item.fraction:.0%}",
        ]
        for item in log.progress
    ]
    header = ["Category (hours:minutes)", "Required", "Logged", "Claimable", "Done"]
    out.append(figure_table(header, rows, styles, width, first_col=0.4))
    return out


_SHORT = {"contact": "Contact", "relational": "Rel", "supervision": "Sup", "observable": "Obs"}


def _short(label: str) -> str:
    """A category's id as a column title: ``contact`` -> ``Contact``, ``contact_total`` -> ..."""
    return _SHORT.get(label, label.replace("_", " ").capitalize())


def _weeks(log: HoursLog, styles: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Week by week", styles.h1)]
    if not log.weeks:
        return [*out, Paragraph("No hours in this period.", styles.small)]
    running_heads = [_short(item.category.id) for item in log.progress]
    header = ["Week of", "Rel", "Ind", "Sup", "Obs", *running_heads]
    rows = [
        [
            row.starts.isoformat(),
            hours_text(row.contact.relational),
            hours_text(row.contact.individual),
            hours_text(row.supervision.total),
            hours_text(row.supervision.observable),
            *(hours_text(item.claimable) for item in row.running),
        ]
        for row in log.weeks
    ]
    out.append(
        Paragraph(
            "Hours:minutes. Rel and Ind: relational and individual contact; Sup: supervision; "
            "Obs: supervision with observable data. The running totals are the hours "
            "claimable toward the target since its start, at the end of each week.",
            styles.small,
        )
    )
    groups = [("This week", 1, 4)]
    if running_heads:
        groups.append(("Running totals toward the target", 5, 4 + len(running_heads)))
    out.append(
        figure_table(
            header, rows, styles, width, first_col=0.13, band_columns=[5], group_header=groups
        )
    )
    return out


_ENTRY_WORDS = {
    "contact-block": "Contact (block)",
    "contact-manual": "Contact (added)",
    "supervision": "Supervision",
}


def _entries(log: HoursLog, styles: Styles, width: float) -> list[Flowable]:
    rows = csv_rows(log)
    out: list[Flowable] = [Paragraph("Entries", styles.h1)]
    if not rows:
        return [*out, Paragraph("No entries in this period.", styles.small)]
    header = [
        "Date",
        "Entry",
        "Kind",
        "Min.",
        "Couple",
        "Intensive, block",
        "Observed",
        "Setting",
    ]  # short enough that no header breaks inside a word
    data: list[list[object]] = [[Paragraph(inline(h, BOLD_FONT), styles.cell_head) for h in header]]
    for cells in rows:
        where = ", ".join(part for part in (cells[5], cells[6]) if part)
        data.append(
            [
                cells[0],
                _ENTRY_WORDS.get(cells[1], cells[1]),
                cells[2],
                cells[3],
                Paragraph(inline(cells[4]), styles.cell),
                where,
                cells[7],
                Paragraph(inline(cells[9]), styles.cell),
            ]
        )
    share = [0.11, 0.15, 0.1, 0.07, 0.1, 0.12, 0.13, 0.22]
    table = Table(data, colWidths=[width * part for part in share], repeatRows=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("FONT", (0, 1), (-1, -1), BODY_FONT, 8.5),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("ALIGN", (3, 1), (3, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [("BACKGROUND", (0, index), (-1, index), TINT) for index in range(2, len(data), 2)]
    table.setStyle(TableStyle(commands))
    out.append(table)
    return out


def build_hours_report(
    log: HoursLog, people: HoursReportPeople, report_date: date, paper: str = "letter"
) -> bytes:
    """Build the hours log PDF in memory."""
    styles = make_styles()
    width = frame_width(paper)
    story: list[Flowable] = [
        Paragraph("Hours log", styles.title),
        Paragraph(f"Client contact and supervision, {_period(log)}", styles.subtitle),
        key_value_table(
            [
                ("Trainee", people.trainee),
                ("Supervisor", people.supervisor or "—"),
                ("Period", _period(log)),
                ("Target", log.target.preset.name),
                ("Identification", _DEIDENTIFIED),
            ],
            styles,
            width,
        ),
    ]
    story += _totals(log, styles, width)
    story += _progress(log, styles, width)
    story += _weeks(log, styles, width)
    story += _entries(log, styles, width)
    story += signature_block(
        [("Trainee", people.trainee), ("Supervisor", people.supervisor)],
        styles,
        width,
        heading="Signatures: these hours are true and were supervised as shown",
    )
    meta = DocumentMeta(
        title="Crucible hours log",
        author=people.trainee,
        subject=f"Contact and supervision hours, {_period(log)}",
        keywords=("Crucible", "hours log", "de-identified", "confidential"),
        header_left="Crucible · Hours log · de-identified",
        report_date=report_date,
    )
    return render_pdf(story, meta, paper)

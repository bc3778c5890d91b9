"""The record part of a report: block notes, signature status, addenda, moments, signatures.

A signed note is shown exactly as signed, with who signed it, when, and a
content hash, so a reader can tell the PDF shows the locked text. The hash
is recomputed from the text printed, never taken on trust: a note whose
text no longer matches the hash recorded at signing is marked in red, in
words ("content does not match its signature"). Addenda
follow it, never merged into it, as clinical records require. An unsigned
note is labelled a draft.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reportlab.lib import colors
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from crucible.app.domain.block_span import effective_span, ran_off_plan, ran_text
from crucible.app.domain.flips import find_flips
from crucible.app.domain.intensive import Block, BlockNote, Intensive, Observation, content_hash
from crucible.app.domain.vocabulary import BlockKind
from crucible.reports.fonts import BOLD_FONT
from crucible.reports.styles import (
    FLIP_COLOUR,
    HEADER_FILL,
    MUTED,
    RULE,
    STANCE_COLOURS,
    STANCE_SHORT,
    TINT,
    Styles,
)
from crucible.reports.textflow import inline, text_flowables

__all__ = [
    "note_content_hash",
    "notes_section",
    "signature_block",
    "signature_holds",
    "signature_status",
    "signers",
]

MISMATCH = "CONTENT DOES NOT MATCH ITS SIGNATURE"
MISMATCH_COLOUR = "#C0262D"

_KIND_WORDS = {
    BlockKind.JOINT: "joint session",
    BlockKind.INDIVIDUAL_A: "individual session, Partner A",
    BlockKind.INDIVIDUAL_B: "individual session, Partner B",
    BlockKind.BREAK: "break",
    BlockKind.HOMEWORK: "homework",
    BlockKind.OTHER: "other",
}


def note_content_hash(note: BlockNote) -> str:
    """The hash recorded at signing, or the same definition computed from the sections."""
    return note.content_hash or content_hash(note.sections)


def signature_holds(note: BlockNote) -> bool:
    """Whether the note's text still hashes to the hash recorded when it was signed.

    A note without a recorded hash (not stored yet) has nothing to contradict.
    """
    return note.content_hash is None or note.content_hash == content_hash(note.sections)


def _when(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y}, {moment:%H:%M}"


def signature_status(note: BlockNote) -> str:
    """'Signed by X on date, content hash abcd…' or 'Unsigned draft'."""
    if note.signed_at is None:
        return "Unsigned draft"
    who = note.signed_by or "unknown signer"
    status = (
        f"Signed by {who} on {_when(note.signed_at)}, content hash {note_content_hash(note)[:16]}…"
    )
    if not signature_holds(note):
        status += f" — {MISMATCH}: the text below was changed after signing"
    return status


def _block_heading(block: Block) -> str:
    end = f"–{block.end:%H:%M}" if block.end is not None else " (still open)"
    ran = f"  ({ran_text(block.start, effective_span(block))})" if ran_off_plan(block) else ""
    return f"{block.start:%H:%M}{end}  {block.title}{ran}"


def _observation_parts(obs: Observation) -> list[str]:
    """The words logged with an observation, one line each, in the order things happened."""
    parts: list[str] = []
    if obs.trigger:
        parts.append(f"Trigger: {obs.trigger}")
    if obs.quote:
        parts.append(f"“{obs.quote}”")
    if obs.intervention:
        response = f" → {obs.response}" if obs.response else ""
        parts.append(f"Intervention: {obs.intervention}{response}")
    elif obs.response:
        parts.append(f"Response: {obs.response}")
    if obs.note:
        parts.append(f"Note: {obs.note}")
    return parts


def _moments(
    block: Block, labels: dict[str, str], styles: Styles, width: float, flip_window_s: int
) -> list[Flowable]:
    """The observations of a block that carry words (trigger, quote, intervention...)."""
    flips = {flip.after_index for flip in find_flips(block, flip_window_s)}
    rows: list[list[object]] = []
    flip_rows: list[int] = []
    for index, obs in enumerate(block.observations):
        parts = _observation_parts(obs)
        if not parts:
            continue
        stance = f"{STANCE_SHORT[obs.stance]} ({obs.intensity})"
        if index in flips:
            stance += " · flip"
            flip_rows.append(len(rows))
        rows.append(
            [
                f"{obs.at:%H:%M}",
                Paragraph(inline(labels[obs.partner.value]), styles.cell),
                Paragraph(
                    f'<font color="#{STANCE_COLOURS[obs.stance].hexval()[2:]}">■</font> '
                    f"{inline(stance)}",
                    styles.cell,
                ),
                [f for part in parts for f in text_flowables(part, styles.cell, width * 0.58 - 12)]
                or [Paragraph("", styles.cell)],
            ]
        )
    if not rows:
        return []
    head = ["Time", "Partner", "Stance (intensity)", "What happened"]
    rows.insert(0, [Paragraph(h, styles.cell_head) for h in head])
    table = Table(
        rows, colWidths=[0.07 * width, 0.17 * width, 0.18 * width, 0.58 * width], repeatRows=1
    )
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 1), (0, -1), "CrucibleSans", 8.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for row in flip_rows:
        commands.append(("LINEBEFORE", (0, row + 1), (0, row + 1), 2, FLIP_COLOUR))
    table.setStyle(TableStyle(commands))
    return [Paragraph("Moments logged with words", styles.h3), table]


def _addenda(note: BlockNote, styles: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    for addendum in note.addenda:
        head = f"Addendum, {_when(addendum.at)}, by {addendum.by}" + (
            f". Reason: {addendum.reason}" if addendum.reason else ""
        )
        body: list[Flowable] = [Paragraph(inline(head, BOLD_FONT), styles.cell_bold)]
        body += text_flowables(addendum.text, styles.note, width - 20)
        box = Table([[body]], colWidths=[width - 8])
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), TINT),
                    ("LINEBEFORE", (0, 0), (0, -1), 2, MUTED),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        out += [Spacer(1, 4), box]
    return out


AFTER_REVIEW = (
    "Added after review: this note gained an addendum after it was sent to the supervisor; "
    "their co-signature does not cover it."
)


def _block_section(
    block: Block,
    labels: dict[str, str],
    styles: Styles,
    width: float,
    flip_window_s: int,
    after_review: bool = False,
) -> list[Flowable]:
    note = block.note
    status = signature_status(note)
    colour = "#3A9D7A" if note.is_signed else "#B54708"
    if note.is_signed and not signature_holds(note):
        colour = MISMATCH_COLOUR
    # The heading, the status line and a section title all keep with what
    # follows (reports.layout), so a block never starts at a page's foot.
    out: list[Flowable] = [
        Paragraph(inline(_block_heading(block), BOLD_FONT), styles.h3),
        Paragraph(
            f'{inline(_KIND_WORDS[block.kind])} · <font color="{colour}">{inline(status)}</font>',
            styles.status,
        ),
    ]
    if after_review:
        out.append(
            Paragraph(f'<font color="{MISMATCH_COLOUR}">{AFTER_REVIEW}</font>', styles.status)
        )
    if not note.sections:
        out.append(Paragraph("No note was written for this block.", styles.small))
    for section in note.sections:
        out.append(Paragraph(inline(section.title, BOLD_FONT), styles.note_heading))
        body = text_flowables(section.text, styles.note, width)
        out += body or [Paragraph("(left empty)", styles.small)]
        out.append(Spacer(1, 4))
    out += _addenda(note, styles, width)
    out += _moments(block, labels, styles, width, flip_window_s)
    out.append(Spacer(1, 8))
    return out


def notes_section(
    intensive: Intensive,
    labels: dict[str, str],
    styles: Styles,
    width: float,
    flip_window_s: int,
    after_review: frozenset[int] = frozenset(),
) -> list[Flowable]:
    """Every block's note, in day and block order, with status, addenda and logged moments.

    Args:
        intensive: The intensive (already de-identified where required).
        labels: Display name per partner key value ("A" -> "Partner A" or a name).
        styles: Report styles.
        width: Frame width in points.
        flip_window_s: Flip window, so the "flip" marks match the figures.
        after_review: Positions (1-based, Day 1's blocks first) of notes that gained
            an addendum after the intensive was sent for review: flagged.
    """
    out: list[Flowable] = [CondPageBreak(200), Paragraph("Block notes", styles.h1)]
    position = 0
    for day in intensive.days:
        out.append(
            Paragraph(
                f"Day {day.number} · {day.date:%A} {day.date.day} {day.date:%B %Y}", styles.h2
            )
        )
        if not day.blocks:
            out.append(Paragraph("No blocks were recorded for this day.", styles.small))
        for block in day.blocks:
            position += 1
            flagged = position in after_review
            out += _block_section(block, labels, styles, width, flip_window_s, flagged)
    return out


def _signature_line(role: str, name: str, styles: Styles, width: float) -> Table:
    cells = [
        ["", "", ""],
        [
            Paragraph(inline(f"{role}: {name}" if name else role), styles.small),
            "",
            Paragraph("Date", styles.small),
        ],
    ]
    table = Table(cells, colWidths=[width * 0.6, width * 0.08, width * 0.32], rowHeights=[30, None])
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (0, 0), 0.8, colors.black),
                ("LINEBELOW", (2, 0), (2, 0), 0.8, colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def signers(intensive: Intensive, *, for_supervisor: bool = False) -> list[tuple[str, str]]:
    """Who signs a report of this intensive, by role: (role, name) per signature line.

    An intensive the clinician ran alone is signed by the clinician. A
    supervised one is signed by the trainee who ran it (the clinician of
    record, when no trainee name was given) and by the supervisor; never
    twice by the same person under two roles. A supervision report always
    has a supervisor's line, named or blank, since a supervisor is who it is for.

    Args:
        intensive: The intensive, as shown in the report.
        for_supervisor: Whether this is the supervision report.
    """
    if intensive.is_supervised:
        return [
            ("Trainee", intensive.trainee or intensive.clinician),
            ("Supervisor", intensive.supervisor or ""),
        ]
    lines = [("Clinician", intensive.clinician)]
    if for_supervisor:
        lines.append(("Supervisor", ""))
    return lines


def signature_block(
    signers: Sequence[tuple[str, str]], styles: Styles, width: float, heading: str = "Signatures"
) -> list[Flowable]:
    """Lines to sign and date by hand, one per (role, name)."""
    out: list[Flowable] = [Paragraph(heading, styles.h2)]
    for role, name in signers:
        out += [_signature_line(role, name, styles, width), Spacer(1, 10)]
    return [KeepTogether(out)]

"""Tables with one look: a key-value fact sheet and the figure tables.

Cells holding user text are Paragraphs built through :mod:`reports.textflow`
(escaped, font fallback, right-to-left aware); numbers are plain strings set
right-aligned in the body font so columns of figures line up.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import Paragraph, Table, TableStyle

from crucible.reports.fonts import BODY_FONT, BOLD_FONT
from crucible.reports.styles import HEADER_FILL, INK, RULE, TINT, Styles
from crucible.reports.textflow import inline

__all__ = ["figure_table", "key_value_table"]

_MAX_NUMBER_COLUMN = 78.0


def key_value_table(rows: Sequence[tuple[str, str]], styles: Styles, width: float = 0) -> Table:
    """Two columns, label and value: the cover's facts about the intensive."""
    data = [
        [Paragraph(inline(k, BOLD_FONT), styles.cell_bold), Paragraph(inline(v), styles.cell)]
        for k, v in rows
    ]
    widths = [130, width - 130] if width else [130, 330]
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
            ]
        )
    )
    return table


def figure_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    styles: Styles,
    width: float,
    groups: Sequence[int] = (),
    band_columns: Sequence[int] = (),
    first_col: float = 0.36,
    group_header: Sequence[tuple[str, int, int]] = (),
) -> Table:
    """A figures table: label column, then right-aligned numbers; a rule between groups.

    Args:
        header: Column titles.
        rows: Label then formatted values, per row.
        styles: Report styles.
        width: Table width in points.
        groups: Row indexes (0 = first body row) above which a rule is drawn.
        band_columns: Column indexes (from 1) tinted, to tell the first partner's
            block of columns from the second's.
        first_col: Share of the width given to the label column.
        group_header: An extra header row above ``header``: (title, first
            column, last column) per group, e.g. one per partner.
    """
    data: list[list[object]] = []
    commands: list[tuple[object, ...]] = []
    if group_header:
        top: list[object] = [""] * len(header)
        for title, first, last in group_header:
            top[first] = Paragraph(inline(title, BOLD_FONT), styles.cell_head_centre)
            commands.append(("SPAN", (first, 0), (last, 0)))
            commands.append(("LINEBELOW", (first, 0), (last, 0), 0.6, colors.white))
        data.append(top)
    head_rows = len(data) + 1
    data.append(
        [Paragraph(inline(header[0], BOLD_FONT), styles.cell_head)]
        + [Paragraph(inline(h, BOLD_FONT), styles.cell_head_right) for h in header[1:]]
    )
    data += [[Paragraph(inline(row[0]), styles.cell), *row[1:]] for row in rows]
    label_w = width * first_col
    # Few columns spread over the full width put numbers far from their
    # labels; cap them and let the table be narrower than the frame.
    other = min((width - label_w) / max(1, len(header) - 1), _MAX_NUMBER_COLUMN)
    widths = [label_w, *([other] * (len(header) - 1))]
    table = Table(data, colWidths=widths, repeatRows=head_rows, hAlign="LEFT")
    body = head_rows
    commands += [
        ("BACKGROUND", (0, 0), (-1, head_rows - 1), HEADER_FILL),
        ("FONT", (1, body), (-1, -1), BODY_FONT, 8.5),
        ("TEXTCOLOR", (1, body), (-1, -1), INK),
        ("ALIGN", (1, body), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for index in range(body, len(data)):
        if (index - body) % 2 == 1:
            commands.append(("BACKGROUND", (0, index), (-1, index), TINT))
    for column in band_columns:
        commands.append(("LINEBEFORE", (column, body), (column, -1), 0.7, RULE))
    for group in groups:
        if 0 < group < len(rows):
            commands.append(("LINEABOVE", (0, group + body), (-1, group + body), 0.7, RULE))
    table.setStyle(TableStyle(commands))
    return table

"""A returned review in words and numbers: the rows the app, the PDFs and the summary all show.

The agreement view, the PDFs' Review section and ``crucible summary`` must
print the same kappa to the same digit and name the same blocks the same
way, so the rows, the confusion table and the wording are built here once,
from :class:`app.domain.review.IntensiveReview` and
:class:`app.domain.review.ReviewAgreement`. Nothing here looks at a
partner's name: block titles come from the intensive it is given, which
for anything leaving the practice is already de-identified.

Confusion tables put the **trainee in rows** and the **supervisor in
columns**, in :class:`app.domain.vocabulary.Stance` order, as every
inter-rater table in the literature puts the first coder down the side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from crucible.app.domain.agreement import DEFAULT_MATCH_TOLERANCE_S, AgreementReport
from crucible.app.domain.intensive import Block, Intensive
from crucible.app.domain.review import IntensiveReview, ReviewAgreement, numbered_blocks
from crucible.app.domain.vocabulary import STANCE_SHORT, Stance

MISSING: Final[str] = "n/a"
OVERALL: Final[str] = "Overall"
STANCES: Final[tuple[Stance, ...]] = tuple(Stance)

AGREEMENT_COLUMNS: Final[tuple[str, ...]] = (
    "Block",
    "Event κ",
    "Event agree",
    "Matched",
    "Time κ",
    "Time agree",
    "Seconds",
    "Only trainee",
    "Only supervisor",
)
"""The agreement table's header, the same in the app, the PDFs and the text summary."""


def format_kappa(value: float | None) -> str:
    """Kappa to two decimals ("0.82", "-0.10"), or "n/a" with nothing to compare."""
    return MISSING if value is None else f"{round(value, 2) + 0.0:.2f}"


def format_percent(value: float | None) -> str:
    """A 0-100 percentage to one decimal ("87.5%"), or "n/a"."""
    return MISSING if value is None else f"{round(value, 1) + 0.0:.1f}%"


def block_label(position: int, block: Block) -> str:
    """How a block is named in a review: its position (what both vaults agree on) and title."""
    title = " ".join(block.title.split())
    return f"Block {position}: {title}" if title else f"Block {position}"


def day_of_position(intensive: Intensive, position: int) -> int:
    """The day number holding the block at ``position`` (1-based, Day 1's blocks first)."""
    seen = 0
    for day in intensive.days:
        seen += len(day.blocks)
        if position <= seen:
            return day.number
    raise ValueError(f"Block {position} is not in this intensive.")


@dataclass(frozen=True, slots=True)
class AgreementRow:
    """One line of the agreement table: a coded block, or the pooled overall line."""

    position: int | None
    label: str
    kappa: float | None
    percent: float | None
    matched: int
    time_kappa: float | None
    time_percent: float | None
    seconds: int
    only_trainee: int
    only_supervisor: int

    def cells(self) -> tuple[str, ...]:
        """The row as printed, column for column with :data:`AGREEMENT_COLUMNS`."""
        return (
            self.label,
            format_kappa(self.kappa),
            format_percent(self.percent),
            str(self.matched),
            format_kappa(self.time_kappa),
            format_percent(self.time_percent),
            str(self.seconds),
            str(self.only_trainee),
            str(self.only_supervisor),
        )


def _block_row(position: int, label: str, report: AgreementReport) -> AgreementRow:
    return AgreementRow(
        position=position,
        label=label,
        kappa=report.kappa,
        percent=report.percent_agreement,
        matched=len(report.pairs),
        time_kappa=report.time_kappa,
        time_percent=report.time_percent_agreement,
        seconds=report.seconds_compared,
        only_trainee=len(report.unmatched_first),
        only_supervisor=len(report.unmatched_second),
    )


def agreement_rows(intensive: Intensive, agreement: ReviewAgreement) -> tuple[AgreementRow, ...]:
    """One row per coded block in position order, then the pooled overall row."""
    blocks = numbered_blocks(intensive)
    rows = [
        _block_row(position, block_label(position, blocks[position - 1]), report)
        for position, report in sorted(agreement.blocks.items())
    ]
    overall = agreement.overall
    rows.append(
        AgreementRow(
            position=None,
            label=OVERALL,
            kappa=overall.kappa,
            percent=overall.percent_agreement,
            matched=overall.events_matched,
            time_kappa=overall.time_kappa,
            time_percent=overall.time_percent_agreement,
            seconds=overall.seconds_compared,
            only_trainee=sum(len(r.unmatched_first) for r in agreement.blocks.values()),
            only_supervisor=sum(len(r.unmatched_second) for r in agreement.blocks.values()),
        )
    )
    return tuple(rows)


def confusion_table(reports: Iterable[AgreementReport]) -> tuple[tuple[int, ...], ...]:
    """Counts of matched events: row = trainee's stance, column = supervisor's, Stance order.

    Several reports pool into one table (the overall one).
    """
    index = {stance: i for i, stance in enumerate(STANCES)}
    counts = [[0] * len(STANCES) for _ in STANCES]
    for report in reports:
        for pair in report.pairs:
            counts[index[pair.first.stance]][index[pair.second.stance]] += 1
    return tuple(tuple(row) for row in counts)


def confusion_header() -> tuple[str, ...]:
    """Column titles of a printed confusion table (corner, stances, total)."""
    return ("Trainee \\ Supervisor", *(STANCE_SHORT[s] for s in STANCES), "Total")


def confusion_lines(table: Sequence[Sequence[int]]) -> tuple[tuple[str, ...], ...]:
    """A confusion table as printed rows with totals: one per stance, then "Total"."""
    rows = [
        (STANCE_SHORT[stance], *(str(n) for n in counts), str(sum(counts)))
        for stance, counts in zip(STANCES, table, strict=True)
    ]
    columns = [sum(row[i] for row in table) for i in range(len(STANCES))]
    rows.append(("Total", *(str(n) for n in columns), str(sum(columns))))
    return tuple(rows)


def cosignature_line(review: IntensiveReview) -> str:
    """The co-signature as one sentence: who, on which date, with which fingerprint."""
    signed = review.cosignature
    if signed is None:
        returned = f"{review.returned_at:%Y-%m-%d}"
        return f"Returned by {review.supervisor.name} on {returned}, not co-signed."
    return (
        f"Co-signed by {signed.signer} on {signed.signed_at:%Y-%m-%d}, "
        f"card fingerprint {signed.fingerprint}."
    )


def changed_after_review_line(intensive: Intensive, review: IntensiveReview) -> str | None:
    """Which notes gained an addendum after the package was sent, or None if none did."""
    if not review.changed_after_review:
        return None
    blocks = numbered_blocks(intensive)
    named = "; ".join(
        block_label(p, blocks[p - 1]) if 1 <= p <= len(blocks) else f"Block {p}"
        for p in sorted(review.changed_after_review)
    )
    return (
        f"Added after review: {named}. These notes gained an addendum after the supervisor "
        "reviewed them; the co-signature does not cover the addendum."
    )


def tolerance_phrase(agreement: ReviewAgreement) -> str:
    """How events were matched, in words: "events matched within ±10 s"."""
    reports = list(agreement.blocks.values())
    tolerance = reports[0].tolerance_s if reports else DEFAULT_MATCH_TOLERANCE_S
    return f"events matched within ±{tolerance:g} s"


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(line[i]) for line in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        parts = [first.ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    return [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _comment_lines(review: IntensiveReview, intensive: Intensive) -> list[str]:
    blocks = numbered_blocks(intensive)
    lines: list[str] = []
    positions = sorted({c.block for c in review.comments if c.block is not None})
    groups: list[tuple[str, int | None]] = [("On the intensive", None)]
    groups += [
        (block_label(p, blocks[p - 1]) if 1 <= p <= len(blocks) else f"Block {p}", p)
        for p in positions
    ]
    for title, position in groups:
        comments = review.comments_on(position)
        if not comments:
            continue
        lines.append(f"{title}:")
        for comment in comments:
            lines.append(f"  - {' '.join(comment.text.split())}")
    return lines or ["No comments."]


def review_as_text(
    review: IntensiveReview, agreement: ReviewAgreement, intensive: Intensive
) -> str:
    """The Review section of ``crucible summary``: signature, comments, agreement, flags."""
    lines = ["Review", cosignature_line(review)]
    flagged = changed_after_review_line(intensive, review)
    if flagged:
        lines.append(flagged)
    lines += ["", "Supervisor's comments", *_comment_lines(review, intensive)]
    lines += ["", f"Agreement (trainee against supervisor; {tolerance_phrase(agreement)})"]
    if agreement.blocks:
        rows = [row.cells() for row in agreement_rows(intensive, agreement)]
        lines += _text_table(AGREEMENT_COLUMNS, rows)
        lines += ["", "Matched events, all coded blocks"]
        lines += _text_table(
            confusion_header(), confusion_lines(confusion_table(agreement.blocks.values()))
        )
    else:
        lines.append("The supervisor coded no block.")
    return "\n".join(lines) + "\n"

"""The hours log of a period: totals, the week-by-week table, running totals, JSON and CSV.

One object (:class:`HoursLog`) feeds ``crucible hours`` (text, ``--json``,
``--csv``), the PDF and the app's Hours view, so the three can never
disagree: every number each shows is read from it. Running totals start at
the target's first date (entries before the period still count toward the
target), so a monthly report shows where the trainee stands, not only what
the month added. Rows carry couple codes only, never names.
"""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from crucible.app.domain.hours import (
    NO_SETTING,
    ContactKind,
    ContactMinutes,
    ContactPiece,
    OtherBlock,
    SupervisionEntry,
    SupervisionMinutes,
    week_of,
)
from crucible.app.domain.hours_targets import (
    CategoryProgress,
    Claimable,
    Target,
    WeekTally,
    add_rows,
    capped,
    day_totals,
    running_from_days,
    settings_for,
    week_claim,
)


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One ISO week of the period, with the running totals toward the target at its end.

    ``claimable`` is the week's own cap under a weekly ratio (per setting
    too, for a per-setting one); a ratio over the whole period caps only
    the running totals and the period's total.
    """

    starts: date
    contact: ContactMinutes
    supervision: SupervisionMinutes
    claimable: Claimable
    running: tuple[CategoryProgress, ...]


@dataclass(frozen=True, slots=True)
class HoursLog:
    """Everything the outputs show for ``date_from..date_to`` (either end may be open)."""

    date_from: date | None
    date_to: date | None
    target: Target
    pieces: tuple[ContactPiece, ...]
    supervision_entries: tuple[SupervisionEntry, ...]
    contact: ContactMinutes
    supervision: SupervisionMinutes
    claimable: Claimable
    weeks: tuple[WeekRow, ...]
    progress: tuple[CategoryProgress, ...]
    other_not_counted: tuple[OtherBlock, ...] = ()
    """"Other" blocks of the period that ran and are not marked: the trainee has to decide."""


def _within(on: date, date_from: date | None, date_to: date | None) -> bool:
    return (date_from is None or on >= date_from) and (date_to is None or on <= date_to)


def hours_log(
    pieces: Sequence[ContactPiece],
    supervision: Sequence[SupervisionEntry],
    target: Target,
    date_from: date | None = None,
    date_to: date | None = None,
    other_not_counted: Sequence[OtherBlock] = (),
) -> HoursLog:
    """The period's log; ``pieces`` and ``supervision`` may reach outside it (running totals).

    Everything is summed once per date (:func:`day_totals`); the period,
    the weeks, the target's dates and the running totals are all read from
    those few thousand dates rather than from every entry again.
    """
    days = day_totals(pieces, supervision)
    settings = settings_for(target, pieces, supervision)
    if date_from is None and date_to is None:
        in_pieces, in_supervision, period_days = tuple(pieces), tuple(supervision), days
    else:
        in_pieces = tuple(p for p in pieces if _within(p.on, date_from, date_to))
        in_supervision = tuple(e for e in supervision if _within(e.on, date_from, date_to))
        period_days = {on: row for on, row in days.items() if _within(on, date_from, date_to)}
    ratio = target.preset.ratio
    weekly = ratio if ratio is not None and ratio.per.is_weekly else None
    by_week: dict[date, list[int]] = {}
    tallies: dict[date, WeekTally] = {}
    for on, row in period_days.items():
        week = week_of(on)
        sums = by_week.get(week)
        if sums is None:
            sums = by_week[week] = [0, 0, 0, 0, 0]
        for index in range(5):
            sums[index] += row[index]
        if weekly is not None:
            day_rows = settings[on] if settings is not None else {NO_SETTING: row[:4]}
            add_rows(tallies.setdefault(week, {}), day_rows)
    weeks = sorted(by_week)
    checkpoints: list[date | None] = [
        week + timedelta(days=6) if date_to is None else min(week + timedelta(days=6), date_to)
        for week in weeks
    ]
    target_days = (
        days
        if target.starts is None and target.ends is None
        else {on: row for on, row in days.items() if target.holds(on)}
    )
    running = running_from_days(target, target_days, [*checkpoints, date_to], settings)
    rows = []
    totals = [0, 0, 0, 0, 0]
    weekly_claim = [0, 0]
    for index, week in enumerate(weeks):
        rel, ind, sup_ind, sup_grp, sup_obs = sums = by_week[week]
        for column in range(5):
            totals[column] += sums[column]
        contact = ContactMinutes(rel, ind)
        claim = week_claim(tallies[week], weekly) if weekly else Claimable(rel, ind)
        weekly_claim[0] += claim.relational
        weekly_claim[1] += claim.individual
        rows.append(
            WeekRow(
                starts=week,
                contact=contact,
                supervision=SupervisionMinutes(sup_ind, sup_grp, sup_obs),
                claimable=claim,
                running=running[index],
            )
        )
    contact_total = ContactMinutes(totals[0], totals[1])
    if ratio is None:
        period_claim = Claimable(totals[0], totals[1])
    elif weekly is not None:
        period_claim = Claimable(weekly_claim[0], weekly_claim[1])
    else:
        period_claim = capped(contact_total, ratio.cap(totals[2], totals[3]))
    by_date = operator.attrgetter("on")
    return HoursLog(
        date_from=date_from,
        date_to=date_to,
        target=target,
        pieces=tuple(sorted(in_pieces, key=by_date)),
        supervision_entries=tuple(sorted(in_supervision, key=by_date)),
        contact=contact_total,
        supervision=SupervisionMinutes(totals[2], totals[3], totals[4]),
        claimable=period_claim,
        weeks=tuple(rows),
        progress=running[-1],
        other_not_counted=tuple(
            block for block in other_not_counted if _within(block.on, date_from, date_to)
        ),
    )


def hours_as_json(log: HoursLog) -> dict[str, Any]:
    """``crucible hours --json``: minutes over the period, the weeks and the target's progress."""
    return {
        "from": log.date_from.isoformat() if log.date_from else None,
        "to": log.date_to.isoformat() if log.date_to else None,
        "contact_minutes": _contact_json(log.contact),
        "claimable_contact_minutes": _contact_json(log.claimable),
        "supervision_minutes": _supervision_json(log.supervision),
        "target": {
            "preset": log.target.preset.id,
            "name": log.target.preset.name,
            "from": log.target.starts.isoformat() if log.target.starts else None,
            "to": log.target.ends.isoformat() if log.target.ends else None,
            "categories": [_progress_json(item) for item in log.progress],
        },
        "weeks": [
            {
                "week_of": row.starts.isoformat(),
                "contact_minutes": _contact_json(row.contact),
                "claimable_contact_minutes": _contact_json(row.claimable),
                "supervision_minutes": _supervision_json(row.supervision),
                "running": [_progress_json(item) for item in row.running],
            }
            for row in log.weeks
        ],
        "other_blocks_not_counted": [
            {
                "block_id": block.block_id,
                "intensive_id": block.intensive_id,
                "couple_code": block.couple_code,
                "date": block.on.isoformat(),
                "start": block.start.isoformat(),
                "end": block.end.isoformat(),
                "minutes": block.minutes,
            }
            for block in log.other_not_counted
        ],
    }


def _contact_json(minutes: ContactMinutes | Claimable) -> dict[str, int]:
    return {
        "relational": minutes.relational,
        "individual": minutes.individual,
        "total": minutes.total,
    }


def _supervision_json(minutes: SupervisionMinutes) -> dict[str, int]:
    return {
        "individual": minutes.individual,
        "group": minutes.group,
        "observable": minutes.observable,
        "total": minutes.total,
    }


def _progress_json(item: CategoryProgress) -> dict[str, Any]:
    return {
        "category": item.category.id,
        "label": item.category.label,
        "required_minutes": item.required,
        "logged_minutes": item.logged,
        "claimable_minutes": item.claimable,
    }


CSV_HEADER = (
    "date",
    "entry",
    "category",
    "minutes",
    "couple_code",
    "intensive_id",
    "block_id",
    "observable",
    "supervisor",
    "setting",
)
"""The CSV's columns; new ones go at the end, so readers of the older columns still work."""


def hours_as_csv(log: HoursLog) -> str:
    """``crucible hours --csv``: one row per dated piece of contact and per supervision entry.

    The rows add up to the JSON's and the PDF's totals: contact rows by
    category (relational, individual), supervision rows by format
    (individual, group), observable data in its own column.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in csv_rows(log):
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()


class EntryRow(NamedTuple):
    """One entry behind the numbers: its cells as the CSV prints them, and where it came from.

    The ids let the Hours window open the block an entry came from, or
    remove an entry typed by hand; the CSV and the PDF print only the cells.
    """

    cells: tuple[str, ...]
    block_id: int | None = None
    manual_id: int | None = None
    supervision_id: int | None = None

    @property
    def removable(self) -> bool:
        """Whether it was typed in (a block's contact goes only with the block)."""
        return self.manual_id is not None or self.supervision_id is not None


def entry_rows(log: HoursLog) -> list[EntryRow]:
    """Every contact piece and supervision entry of the log, in date order (contact first)."""
    rows: list[tuple[date, int, EntryRow]] = []
    for piece in log.pieces:
        cells = (
            piece.on.isoformat(),
            f"contact-{piece.source}",
            str(piece.kind),
            str(piece.minutes),
            piece.couple_code,
            "" if piece.intensive_id is None else str(piece.intensive_id),
            "" if piece.block_id is None else str(piece.block_id),
            "",
            "",
            piece.setting,
        )
        rows.append((piece.on, 0, EntryRow(cells, piece.block_id, piece.manual_id)))
    for entry in log.supervision_entries:
        cells = (
            entry.on.isoformat(),
            "supervision",
            str(entry.format),
            str(entry.minutes),
            "",
            " ".join(str(i) for i in entry.intensive_ids),
            "",
            str(entry.observable),
            entry.supervisor,
            entry.setting,
        )
        rows.append((entry.on, 1, EntryRow(cells, supervision_id=entry.id)))
    return [row for _on, _order, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def csv_rows(log: HoursLog) -> list[tuple[str, ...]]:
    """The CSV's rows, also the PDF's list of entries (date order)."""
    return [row.cells for row in entry_rows(log)]


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (=, +, -, @ lead a formula)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def hours_text(minutes: int) -> str:
    """``12:05`` (hours:minutes): how every output prints a number of minutes for people."""
    return f"{minutes // 60}:{minutes % 60:02d}"


CONTACT_LABELS = {ContactKind.RELATIONAL: "Relational", ContactKind.INDIVIDUAL: "Individual"}

"""Contact and supervision hours, worked out by hand: each expected number is in the comment."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from crucible.app.domain.hours import (
    BlockInRecord,
    BlockMark,
    ContactKind,
    ManualContact,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
    block_pieces,
    contact_minutes,
    entry_problem,
    manual_pieces,
    needs_confirmation,
    overlapping_block,
    supervision_minutes,
    week_of,
)
from crucible.app.domain.intensive import Block
from crucible.app.domain.vocabulary import BlockKind

CHICAGO = timezone(timedelta(hours=-6))
BERLIN_SUMMER = timezone(timedelta(hours=2))
BERLIN_WINTER = timezone(timedelta(hours=1))
_ids = iter(range(1, 10_000))


def ran_block(
    kind: BlockKind,
    start: datetime,
    minutes: int,
    *,
    planned: bool = False,
    block_id: int | None = None,
) -> Block:
    """A block that ran ``minutes`` from ``start`` (recorded run, or only the plan)."""
    end = start + timedelta(minutes=minutes)
    if planned:
        return Block("b", kind, start, end, id=block_id or next(_ids))
    return Block(
        "b",
        kind,
        start,
        end,
        id=block_id or next(_ids),
        actual_start=start,
        actual_end=end,
    )


UNMARKED = BlockMark()


def record(block: Block, code: str = "C-1", mark: BlockMark = UNMARKED) -> BlockInRecord:
    return BlockInRecord.of(block, intensive_id=1, couple_code=code, mark=mark)


def at(day: int, hour: int, minute: int = 0, zone: timezone = CHICAGO) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=zone)


def test_a_week_with_two_intensives() -> None:
    # Intensive 1 (C-1), Mon 2 and Tue 3 Nov: joint 09:00-12:00 (180), individual A 13:00-14:30
    # (90), a break 12:00-13:00 (never), homework (never). Intensive 2 (C-2), Thu 5 Nov:
    # joint 09:00-11:30 (150) and individual B 12:00-12:45 (45).
    blocks = [
        record(ran_block(BlockKind.JOINT, at(2, 9), 180)),
        record(ran_block(BlockKind.BREAK, at(2, 12), 60)),
        record(ran_block(BlockKind.INDIVIDUAL_A, at(2, 13), 90)),
        record(ran_block(BlockKind.HOMEWORK, at(2, 15), 60)),
        record(ran_block(BlockKind.JOINT, at(3, 9), 180)),
        record(ran_block(BlockKind.JOINT, at(5, 9), 150), code="C-2"),
        record(ran_block(BlockKind.INDIVIDUAL_B, at(5, 12), 45), code="C-2"),
    ]
    pieces = block_pieces(blocks)
    totals = contact_minutes(pieces)
    assert totals.relational == 180 + 180 + 150  # 510
    assert totals.individual == 90 + 45  # 135
    assert totals.total == 645
    assert {piece.on for piece in pieces} == {
        date(2026, 11, 2),
        date(2026, 11, 3),
        date(2026, 11, 5),
    }
    assert {week_of(piece.on) for piece in pieces} == {date(2026, 11, 2)}
    assert sum(p.minutes for p in pieces if p.couple_code == "C-2") == 195


def test_overlapping_blocks_count_once_and_relational_wins() -> None:
    # Joint 09:00-11:00 and an individual block 10:30-11:30 logged over it:
    # 09:00-11:00 relational (120), 11:00-11:30 individual (30): 150 minutes, not 180.
    # A second joint 09:30-10:00 inside the first adds nothing.
    blocks = [
        record(ran_block(BlockKind.JOINT, at(2, 9), 120)),
        record(ran_block(BlockKind.INDIVIDUAL_A, at(2, 10, 30), 60)),
        record(ran_block(BlockKind.JOINT, at(2, 9, 30), 30)),
    ]
    totals = contact_minutes(block_pieces(blocks))
    assert (totals.relational, totals.individual, totals.total) == (120, 30, 150)


def test_a_block_across_midnight_splits_by_its_local_date() -> None:
    # Joint 22:30 on 2 Nov to 01:15 on 3 Nov, Chicago clock: 90 minutes on the 2nd, 75 on the 3rd.
    # In UTC the whole block is on the 3rd: the local clock decides, not UTC.
    pieces = block_pieces([record(ran_block(BlockKind.JOINT, at(2, 22, 30), 165))])
    assert [(p.on, p.minutes) for p in pieces] == [(date(2026, 11, 2), 90), (date(2026, 11, 3), 75)]


def test_a_daylight_saving_week_counts_the_time_that_passed() -> None:
    # Berlin, week of Mon 19 Oct 2026; clocks go back at 03:00 CEST on Sun 25 Oct.
    # Sat 24: joint 09:00-12:00 CEST (180). Sun 25: joint 01:30 CEST to 02:30 CET, a wall-clock
    # hour that lasted two (120). Mon 26 (next week): joint 09:00-12:00 CET (180).
    sat = datetime(2026, 10, 24, 9, tzinfo=BERLIN_SUMMER)
    night_start = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN_SUMMER)
    night_end = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN_WINTER)
    mon = datetime(2026, 10, 26, 9, tzinfo=BERLIN_WINTER)
    night = Block(
        "night", BlockKind.JOINT, night_start, night_end, id=500,
        actual_start=night_start, actual_end=night_end,
    )  # fmt: skip
    pieces = block_pieces(
        [
            record(ran_block(BlockKind.JOINT, sat, 180)),
            record(night),
            record(ran_block(BlockKind.JOINT, mon, 180)),
        ]
    )
    by_date = {p.on: p.minutes for p in pieces}
    assert by_date == {date(2026, 10, 24): 180, date(2026, 10, 25): 120, date(2026, 10, 26): 180}
    week = [p for p in pieces if week_of(p.on) == date(2026, 10, 19)]
    assert sum(p.minutes for p in week) == 300


def test_a_block_with_nothing_recorded_counts_only_once_confirmed() -> None:
    planned = ran_block(BlockKind.JOINT, at(2, 9), 60, planned=True)
    assert block_pieces([record(planned)]) == []
    assert needs_confirmation(record(planned))
    confirmed = record(planned, mark=BlockMark(confirmed_ran=True))
    assert not needs_confirmation(confirmed)
    assert contact_minutes(block_pieces([confirmed])).relational == 60


def test_other_blocks_count_only_when_marked() -> None:
    other = ran_block(BlockKind.OTHER, at(2, 9), 45)
    assert block_pieces([record(other)]) == []
    marked = record(other, mark=BlockMark(contact_kind=ContactKind.INDIVIDUAL))
    assert contact_minutes(block_pieces([marked])).individual == 45


def test_seconds_round_per_dated_piece() -> None:
    # Live mode on at 09:00:40, off at 10:00:10: 59.5 minutes, rounded half up to 60.
    start = at(2, 9).replace(second=40)
    block = Block(
        "b", BlockKind.JOINT, at(2, 9), at(2, 10), id=900,
        actual_start=start, actual_end=at(2, 10).replace(second=10),
    )  # fmt: skip
    assert [p.minutes for p in block_pieces([record(block)])] == [60]


def test_manual_entries_and_supervision_totals() -> None:
    manual = manual_pieces(
        [
            ManualContact(date(2026, 11, 4), 50, ContactKind.INDIVIDUAL, id=1),
            ManualContact(date(2026, 11, 4), 80, ContactKind.RELATIONAL, "F-9", id=2),
        ]
    )
    assert contact_minutes(manual).total == 130
    assert {p.source for p in manual} == {"manual"}
    supervision = supervision_minutes(
        [
            SupervisionEntry(
                date(2026, 11, 6), 60, SupervisionFormat.INDIVIDUAL, ObservableData.VIDEO
            ),
            SupervisionEntry(date(2026, 11, 6), 120, SupervisionFormat.GROUP, ObservableData.NONE),
            SupervisionEntry(date(2026, 11, 7), 30, SupervisionFormat.GROUP, ObservableData.LIVE),
        ]
    )
    assert (supervision.individual, supervision.group, supervision.observable) == (60, 150, 90)
    assert supervision.total == 210


@pytest.mark.parametrize(
    ("on", "minutes", "words"),
    [
        (date(2026, 11, 2), 0, "more than 0"),
        (date(2026, 11, 2), -5, "more than 0"),
        (date(2026, 11, 2), 1441, "at most 1440"),
        (date(2026, 11, 9), 60, "in the future"),
    ],
)
def test_entry_problems_are_one_sentence(on: date, minutes: int, words: str) -> None:
    problem = entry_problem(on, minutes, today=date(2026, 11, 8))
    assert problem is not None
    assert words in problem
    assert problem.endswith(".")
    assert entry_problem(date(2026, 11, 8), 1440, today=date(2026, 11, 8)) is None


def test_a_manual_entry_over_a_logged_block_is_found() -> None:
    blocks = [record(ran_block(BlockKind.JOINT, at(2, 9), 120), code="C-1")]
    pieces = block_pieces(blocks)
    over = ManualContact(date(2026, 11, 2), 30, ContactKind.RELATIONAL, start=time(10, 30))
    after = ManualContact(date(2026, 11, 2), 30, ContactKind.RELATIONAL, start=time(11, 0))
    same_couple = ManualContact(date(2026, 11, 2), 30, ContactKind.RELATIONAL, "C-1")
    other_couple = ManualContact(date(2026, 11, 2), 30, ContactKind.RELATIONAL, "C-7")
    assert overlapping_block(over, pieces, blocks) is blocks[0]
    assert overlapping_block(after, pieces, blocks) is None
    assert overlapping_block(same_couple, pieces, blocks) is blocks[0]
    assert overlapping_block(other_couple, pieces, blocks) is None

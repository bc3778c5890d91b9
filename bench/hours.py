"""The hours of a ten-year practice: 500 intensives, 7,000 blocks, 2,000 supervision entries.

Budget (issue 15): the hours computed in under 100 ms. Three figures:

- **compute**: the domain alone (``block_pieces`` + ``hours_log``: the
  midnight split, the overlap sweep, the weekly table with running totals
  toward the target) over the record already in memory. This is the
  budgeted figure: the Hours view reads the record once and recomputes
  from it.
- **end to end**: ``app.services.hours.hours_for`` on an encrypted bench
  vault holding the same practice (read every block, its marks, the
  first and last observation, the entries, the target, then compute):
  what ``crucible hours`` does after the unlock.
- **floor**, same run: a bare loop summing ``end - start`` over the same
  blocks (the least work any count of the hours could do), so the ratio
  says what the rules cost, on whatever machine runs this.

    .venv/bin/python bench/hours.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import cpu_model, describe_ms, temp_folder
from crucible.app.domain.hours import (
    BlockInRecord,
    ContactKind,
    ManualContact,
    ObservableData,
    SupervisionEntry,
    SupervisionFormat,
    block_pieces,
    manual_pieces,
)
from crucible.app.domain.hours_log import hours_log
from crucible.app.domain.hours_targets import Target, find_preset, shipped_presets
from crucible.app.domain.intensive import Block, Couple, Day, Intensive, Observation, Partner
from crucible.app.domain.vocabulary import BlockKind, PartnerKey, Stance

INTENSIVES, BLOCKS_PER_DAY, SUPERVISION, MANUAL = 500, 7, 2000, 1000
BUDGET_MS = 100.0
PASSPHRASE = "bench passphrase"
ZONES = (timezone(timedelta(hours=-5)), timezone(timedelta(hours=-4)))  # EST, EDT
PLAN = (  # (kind, start hour, minutes): 7 blocks a day, 14 an intensive, 7,000 in all
    (BlockKind.JOINT, 9, 150),
    (BlockKind.BREAK, 11, 60),
    (BlockKind.INDIVIDUAL_A, 12, 60),
    (BlockKind.INDIVIDUAL_B, 13, 60),
    (BlockKind.JOINT, 14, 120),
    (BlockKind.HOMEWORK, 16, 30),
    (BlockKind.JOINT, 21, 240),  # an evening block running past midnight
)


SETTINGS = ("", "University clinic", "Private practice")
"""Where the added entries took place ("" for supervision that names none): what the
per-setting rule (California's preset) counts by."""


def practice(seed: int = 15) -> tuple[list[Intensive], list[SupervisionEntry], list[ManualContact]]:
    """Ten years of intensives (about one a week), supervision and added contact."""
    rng = random.Random(seed)
    first = date(2016, 1, 4)
    intensives = []
    for number in range(INTENSIVES):
        on = first + timedelta(days=number * 7 + rng.randrange(0, 3))
        zone = ZONES[number % 2]
        days = []
        for day_number in (1, 2):
            day_date = on + timedelta(days=day_number - 1)
            blocks = []
            for kind, hour, minutes in PLAN:
                start = datetime(day_date.year, day_date.month, day_date.day, hour, tzinfo=zone)
                late = timedelta(minutes=rng.randrange(0, 15))
                ran_from, ran_to = start + late, start + late + timedelta(minutes=minutes)
                marks = (
                    Observation(ran_from + timedelta(minutes=5), PartnerKey.A, Stance.ONE_UP),
                    Observation(ran_to - timedelta(minutes=5), PartnerKey.B, Stance.ONE_DOWN),
                )
                blocks.append(
                    Block(
                        "block",
                        kind,
                        start,
                        start + timedelta(minutes=minutes),
                        observations=marks,
                        actual_start=ran_from,
                        actual_end=ran_to,
                    )
                )
            days.append(Day(day_number, day_date, tuple(blocks)))
        partners = (Partner(PartnerKey.A, f"A{number}"), Partner(PartnerKey.B, f"B{number}"))
        intensives.append(
            Intensive(Couple(f"C-{number:04d}", partners), "Intensive", "Bench", tuple(days))
        )
    supervision = [
        SupervisionEntry(
            first + timedelta(days=rng.randrange(0, 3650)),
            rng.choice((60, 90, 120)),
            rng.choice(tuple(SupervisionFormat)),
            rng.choice(tuple(ObservableData)),
            "Supervisor",
            setting=rng.choice(SETTINGS),
        )
        for _ in range(SUPERVISION)
    ]
    manual = [
        ManualContact(
            first + timedelta(days=rng.randrange(0, 3650)),
            rng.choice((50, 60, 80)),
            rng.choice(tuple(ContactKind)),
            f"F-{rng.randrange(100)}",
            setting=rng.choice(SETTINGS[1:]),
        )
        for _ in range(MANUAL)
    ]
    return intensives, supervision, manual


def records_of(intensives: list[Intensive]) -> list[BlockInRecord]:
    """The blocks as the store hands them to the domain."""
    return [
        BlockInRecord.of(block, number, intensive.couple.code)
        for number, intensive in enumerate(intensives, 1)
        for day in intensive.days
        for block in day.blocks
    ]


def _times(work: object, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    """Print the three figures and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument(
        "--preset",
        default="montana-lmft",
        help="montana-lmft (a ratio over the period) or "
        "california-weekly (per setting, week by week, group hours at half)",
    )
    args = parser.parse_args()
    print(f"CPU: {cpu_model()}")
    intensives, supervision, manual = practice()
    records = records_of(intensives)
    target = Target(find_preset(shipped_presets(), args.preset))
    print(f"target: {args.preset}")
    print(
        f"practice: {len(intensives)} intensives, {len(records)} blocks, "
        f"{len(supervision)} supervision entries, {len(manual)} added contact entries"
    )

    def compute() -> object:
        pieces = block_pieces(records) + manual_pieces(manual)
        return hours_log(pieces, supervision, target)

    def floor() -> object:
        return sum((r.end - r.start).total_seconds() for r in records)  # type: ignore[operator]

    gc.freeze()  # as the app does once a vault is open (app.ui.shell.process_policy)
    compute()
    computed = _times(compute, args.repeats)
    floored = _times(floor, args.repeats)
    log = compute()
    print(f"weeks in the table: {len(log.weeks)}, contact {log.contact.total} min")  # type: ignore[attr-defined]
    median, base = statistics.median(computed), statistics.median(floored)
    print(
        f"compute (domain): {describe_ms(computed)}, best {min(computed) * 1000:.1f} ms; "
        f"budget {BUDGET_MS:.0f} ms"
    )
    print(
        f"floor (sum of planned durations): {describe_ms(floored)}, "
        f"best {min(floored) * 1000:.2f} ms"
    )
    print(f"compute / floor: {median / base:.1f}x")
    _end_to_end(intensives, supervision, manual, max(5, args.repeats // 3), base, args.preset)


def _end_to_end(
    intensives: list[Intensive],
    supervision: list[SupervisionEntry],
    manual: list[ManualContact],
    repeats: int,
    floor: float,
    preset: str,
) -> None:
    from crucible.app.services.hours import choose_target, hours_for
    from crucible.app.services.vault_access import new_vault
    from crucible.app.store.hours import add_manual_entry, add_supervision_entry
    from crucible.app.store.intensives import add_intensive
    from crucible.app.store.keyfile import KdfParams

    vault, _ = new_vault(
        temp_folder("hours"), PASSPHRASE, kdf=KdfParams(memory_kib=1024, time_cost=1, parallelism=1)
    )
    try:
        started = time.perf_counter()
        saved = datetime(2026, 12, 3, tzinfo=UTC)
        with vault.write_session() as session:
            for intensive in intensives:
                add_intensive(session, intensive, saved)
            for entry in supervision:
                add_supervision_entry(session, entry, saved)
            for contact in manual:
                add_manual_entry(session, contact, saved)
        choose_target(vault, preset)
        print(f"bench vault written in {time.perf_counter() - started:.1f} s")
        hours_for(vault)
        times = _times(lambda: hours_for(vault), repeats)
        print(
            f"end to end (read the vault + compute): {describe_ms(times)}; "
            f"{statistics.median(times) / floor:.0f}x the floor"
        )
    finally:
        vault.lock()


if __name__ == "__main__":
    main()

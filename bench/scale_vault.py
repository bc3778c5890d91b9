"""The ten-year practice of issue 16, as a real vault: generated once (seeded), then cached.

500 couples with one intensive each (2 or 3 days, 14 blocks: 7,000 blocks),
1,000,000 observations, 20,000 note sections of about 3 KB (three or four
per block note) with 5 saved revisions per note, reflections on the
supervised intensives, every tenth intensive archived, every seventh
supervised, 600 signed notes (through `notes.sign_note`, so the signatures
are anchored in the audit trail as the app anchors them) and 100 addenda.

Two blocks are the budgets' own: in intensive 250 a block of 1,000
observations with a 60 KB note ("open any block"), and intensive 500 holds
5,000 observations, 1,000 of them and a 60 KB note in its first block (the
keypress figure). Breaks carry no observations and no note.

Rows go in through SQL in big transactions on the vault's own writer
connection (the search index's triggers run as in the app); the app opens
the result as any other vault. The cache lives outside the repository:
$CRUCIBLE_BENCH_CACHE, else ~/.cache/crucible-bench; a stamp holds the
generator's version, and a vault is built in a temporary folder and renamed
into place, so a killed run leaves no half-made vault behind.

Supervision reviews (issue 13) go in through the review services with a
supervisor's vault made beside it: each supervised intensive sent and
commented on, about half co-signed, about half returned (`add_reviews`).

Run alone: .venv/bin/python bench/scale_vault.py [--fresh]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crucible.app.services.vault_handle import Vault
from crucible.app.store.keyfile import KdfParams
from crucible.app.store.migrate import known_head

GENERATOR_VERSION = 2
PASSPHRASE = "bench passphrase scale"
FAST = KdfParams(memory_kib=1024, time_cost=1, parallelism=1)
"""The tests' key profile: the bench times everything beyond the KDF (its own figure apart)."""

COUPLES = 500
BLOCKS_PER_INTENSIVE = 14
OBSERVATIONS = 1_000_000
SECTIONS = 20_000
SECTION_CHARS = 3_000
REVISIONS = 5
SIGNED = 600
ADDENDA = 100
BIG_NOTE_CHARS = 60_000
OPEN_INTENSIVE = 250
"""Its first block: 1,000 observations and a 60 KB note (the block-open figure)."""
LIVE_INTENSIVE = 500
"""5,000 observations; its first block 1,000 of them and a 60 KB note (the keypress figure)."""
BIG_BLOCK = 1_000
LIVE_TOTAL = 5_000
KINDS = ("joint", "joint", "individual-A", "break", "individual-B", "joint", "joint")
TZ = timezone(timedelta(hours=-5))
FIRST_DAY = date(2016, 12, 5)
CHUNK = 50_000


def cache_root() -> Path:
    """Where generated vaults are kept between runs (outside the repository)."""
    configured = os.environ.get("CRUCIBLE_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "crucible-bench"


def _stamp() -> dict[str, Any]:
    """What the cached vault was made with; a vault from an older schema is made again."""
    return {
        "version": GENERATOR_VERSION,
        "schema": known_head(),
        "couples": COUPLES,
        "observations": OBSERVATIONS,
        "sections": SECTIONS,
    }


def cached_vault(*, fresh: bool = False) -> Path:
    """The ten-year vault's folder, generated first when missing, stale or `fresh`."""
    root = cache_root() / "scale"
    folder, stamp = root / "vault", root / "generator.json"
    if not fresh and stamp.exists():
        made_with = json.loads(stamp.read_text())
        if made_with == _stamp():
            return folder
        if made_with == {**_stamp(), "version": 1}:  # all but the reviews: add them in place
            seconds = _add_reviews_to(folder)
            stamp.write_text(json.dumps(_stamp()))
            print(f"supervision reviews added to the cached vault in {seconds:.0f} s", flush=True)
            return folder
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, mode=0o700)
    building = root / "building" / "vault"
    seconds = generate(building)
    building.rename(folder)
    (root / "building").rmdir()
    stamp.write_text(json.dumps(_stamp()))
    print(f"ten-year vault generated in {seconds:.0f} s: {folder}", flush=True)
    return folder


# ---------------------------------------------------------------------- text


def _vocabulary(rng: random.Random) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    words = {
        "".join(rng.choice(letters[: rng.randint(8, 26)]) for _ in range(rng.randint(3, 10)))
        for _ in range(6000)
    }
    clinical = ["father", "mother", "silence", "dinner", "repair", "shame", "boundary", "fear"]
    return sorted(words) + clinical


class Texts:
    """Seeded prose, cheap to make: paragraphs drawn once, then stitched with a unique tag."""

    def __init__(self, rng: random.Random) -> None:
        words = _vocabulary(rng)
        self.rng = rng
        self.paragraphs = [
            " ".join(rng.choices(words, k=rng.randint(60, 120))).capitalize() + "."
            for _ in range(400)
        ]
        self.count = 0

    def text(self, chars: int) -> str:
        """About `chars` characters of prose, made unique by a numbered tag."""
        self.count += 1
        out, size = [f"Entry {self.count}."], 0
        while size < chars:
            paragraph = self.rng.choice(self.paragraphs)
            out.append(paragraph)
            size += len(paragraph) + 1
        return " ".join(out)[:chars]


# ---------------------------------------------------------------------- plan


def first_block_id(intensive: int) -> int:
    """The id of an intensive's first block (ids run in order, 14 to an intensive)."""
    return BLOCKS_PER_INTENSIVE * (intensive - 1) + 1


def first_block_end(intensive: int) -> datetime:
    """When an intensive's first block ends (its last observation is a little before)."""
    first = FIRST_DAY + timedelta(days=7 * (intensive - 1))
    return datetime(first.year, first.month, first.day, 9, tzinfo=TZ) + timedelta(minutes=75)


def _days_of(intensive: int) -> list[int]:
    """Blocks per day: 14 over two days (7, 7) or three (5, 5, 4)."""
    return [7, 7] if intensive % 2 else [5, 5, 4]


def generate(folder: Path, seed: int = 16) -> float:
    """Write the whole practice into a new vault at `folder`; returns the seconds taken."""
    from crucible.app.services.profile import ClinicianProfile, save_profile
    from crucible.app.services.vault_access import new_vault

    rng = random.Random(seed)
    texts = Texts(rng)
    started = time.perf_counter()
    folder.parent.mkdir(parents=True, exist_ok=True)
    vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST)
    try:
        save_profile(vault, ClinicianProfile(name="Dr. Bench", credentials="LMFT"))
        blocks = _structure(vault, rng, texts)
        print(f"  structure: {len(blocks)} blocks, {time.perf_counter() - started:.0f} s")
        _notes(vault, texts, blocks)
        print(f"  notes: {time.perf_counter() - started:.0f} s", flush=True)
        _observations(vault, rng, texts, blocks)
        print(f"  observations: {time.perf_counter() - started:.0f} s", flush=True)
        _signatures(vault, rng, blocks)
        add_reviews(vault, _review_rng(seed), blocks)
        with vault.engine.connect() as c:  # outside a transaction, or SQLite refuses it
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        vault.lock()
    return time.perf_counter() - started


def _review_rng(seed: int) -> random.Random:
    """The reviews' own random choices, so a vault of version 1 gains the same ones in place."""
    return random.Random(seed * 7919 + 13)


def _add_reviews_to(folder: Path, seed: int = 16) -> float:
    """Add what version 2 added (the reviews) to a cached vault of version 1; the seconds taken.

    Regenerating the whole ten-year vault takes many minutes; the reviews
    alone about one. The result equals a fresh vault of version 2 in every
    choice the seed makes (keys, package ids and seals are random anyway).
    """
    from crucible.app.services.vault_access import open_vault
    from crucible.app.store.vault import UnlockThrottle

    started = time.perf_counter()
    vault = open_vault(folder, PASSPHRASE, throttle=UnlockThrottle())
    try:
        add_reviews(vault, _review_rng(seed), [])
        with vault.engine.connect() as c:
            c.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        vault.lock()
    return time.perf_counter() - started


class PlannedBlock:
    """A block as generated: ids and what it should carry."""

    __slots__ = ("block_id", "intensive_id", "kind", "note_chars", "observations", "start")

    def __init__(self, block_id: int, intensive_id: int, kind: str, start: datetime) -> None:
        self.block_id, self.intensive_id, self.kind, self.start = (
            block_id,
            intensive_id,
            kind,
            start,
        )
        self.observations = 0
        self.note_chars = 0


def _structure(vault: Vault, rng: random.Random, texts: Texts) -> list[PlannedBlock]:
    """Couples, partners, intensives, days and blocks, plus one import event per intensive."""
    from sqlalchemy.orm import Session

    from crucible.app.domain.audit_vocabulary import AuditAction
    from crucible.app.store.audit import append_event

    blocks: list[PlannedBlock] = []
    with vault.write_connection() as c:
        raw = c.connection.dbapi_connection
        assert raw is not None
        for number in range(1, COUPLES + 1):
            first = FIRST_DAY + timedelta(days=7 * (number - 1))
            created = datetime(first.year, first.month, first.day, 8, tzinfo=TZ).isoformat()
            raw.execute(
                "INSERT INTO couple(id, code, archived, created_at) VALUES (?, ?, 0, ?)",
                (number, f"C-{number:04d}", created),
            )
            raw.executemany(
                "INSERT INTO partner(couple_id, key, name, pronouns, colour) "
                "VALUES (?, ?, ?, '', '')",
                [(number, key, f"Partner {key} of couple {number}") for key in "AB"],
            )
            supervised = number % 7 == 0
            raw.execute(
                "INSERT INTO intensive(id, couple_id, title, clinician, trainee, supervisor, "
                "reflections, status, created_at) VALUES (?, ?, ?, 'Dr. Bench', ?, ?, ?, ?, ?)",
                (
                    number,
                    number,
                    f"Intensive {number}",
                    "T. Rainee" if supervised else None,
                    "S. Upervisor" if supervised else None,
                    texts.text(600) if supervised else "",
                    "archived" if number % 10 == 0 else "active",
                    created,
                ),
            )
            for day_number, count in enumerate(_days_of(number), start=1):
                day_date = first + timedelta(days=day_number - 1)
                cursor = raw.execute(
                    "INSERT INTO day(intensive_id, number, date) VALUES (?, ?, ?)",
                    (number, day_number, day_date.isoformat()),
                )
                day_id = cursor.lastrowid
                for position in range(count):
                    start = datetime(
                        day_date.year, day_date.month, day_date.day, 9, tzinfo=TZ
                    ) + timedelta(minutes=80 * position)
                    kind = KINDS[position % len(KINDS)]
                    cursor = raw.execute(
                        'INSERT INTO block(day_id, position, title, kind, start, "end") '
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            day_id,
                            position,
                            f"Block {position + 1}",
                            kind,
                            start.isoformat(),
                            (start + timedelta(minutes=75)).isoformat(),
                        ),
                    )
                    blocks.append(PlannedBlock(int(cursor.lastrowid), number, kind, start))
        with Session(bind=c) as session:
            for number in range(1, COUPLES + 1):
                append_event(
                    session,
                    at=datetime(2026, 1, 1, tzinfo=UTC),
                    actor="bench",
                    action=AuditAction.IMPORT,
                    intensive_id=number,
                )
            session.flush()
    _plan(blocks, rng)
    return blocks


def _plan(blocks: list[PlannedBlock], rng: random.Random) -> None:
    """Spread the observations and note sizes over the blocks, the two budget blocks first."""
    working = [b for b in blocks if b.kind != "break"]
    special = {OPEN_INTENSIVE: BIG_BLOCK, LIVE_INTENSIVE: LIVE_TOTAL}
    left = OBSERVATIONS
    for intensive, total in special.items():
        own = [b for b in working if b.intensive_id == intensive]
        own[0].observations, own[0].note_chars = BIG_BLOCK, BIG_NOTE_CHARS
        rest = total - BIG_BLOCK
        for index, block in enumerate(own[1:]):
            block.observations = rest // len(own[1:]) + (index < rest % len(own[1:]))
        left -= sum(b.observations for b in own)
    others = [b for b in working if b.intensive_id not in special]
    for index, block in enumerate(others):
        block.observations = left // len(others) + (index < left % len(others))
    sections_left = SECTIONS - 2 * (BIG_NOTE_CHARS // SECTION_CHARS)
    for index, block in enumerate(others):
        if block.intensive_id not in special:
            share = sections_left // len(others) + (index < sections_left % len(others))
            block.note_chars = share * SECTION_CHARS
    for block in working:
        if not block.note_chars:
            block.note_chars = 3 * SECTION_CHARS
    rng.shuffle(others)  # no effect on the plan; keeps the rng's sequence tied to it


def _notes(vault: Vault, texts: Texts, blocks: list[PlannedBlock]) -> None:
    """One note per working block: sections of about 3 KB and five saved revisions."""
    working = [b for b in blocks if b.kind != "break"]
    for first in range(0, len(working), 300):  # a transaction per 300 notes: a small WAL
        with vault.write_connection() as c:
            raw = c.connection.dbapi_connection
            assert raw is not None
            for block in working[first : first + 300]:
                _note(raw, texts, block)


def _note(raw: Any, texts: Texts, block: PlannedBlock) -> None:
    cursor = raw.execute("INSERT INTO block_note(block_id) VALUES (?)", (block.block_id,))
    note = cursor.lastrowid
    count = max(1, block.note_chars // SECTION_CHARS)
    sections = [(f"Section {n + 1}", texts.text(SECTION_CHARS)) for n in range(count)]
    raw.executemany(
        "INSERT INTO note_section(note_id, position, title, text) VALUES (?, ?, ?, ?)",
        [(note, n, title, text) for n, (title, text) in enumerate(sections)],
    )
    saved = block.start + timedelta(minutes=80)
    raw.executemany(
        "INSERT INTO note_revision(note_id, saved_at, sections_json) VALUES (?, ?, ?)",
        [
            (
                note,
                (saved + timedelta(minutes=5 * r)).isoformat(),
                json.dumps(
                    [(t, x[: len(x) * (r + 1) // REVISIONS]) for t, x in sections],
                    ensure_ascii=False,
                ),
            )
            for r in range(REVISIONS)
        ],
    )


def _observations(
    vault: Vault, rng: random.Random, texts: Texts, blocks: list[PlannedBlock]
) -> None:
    """The million observations, block by block, in transactions of about 50,000 rows."""
    from crucible.app.store.intensives import utc_key

    stances = ("one-up", "same-as", "one-down")
    strategies = ("being-right", "controlling", "retaliation", "withdrawal")
    quotes = [texts.text(rng.randint(20, 60)) for _ in range(500)]
    rows: list[tuple[Any, ...]] = []

    def flush() -> None:
        with vault.write_connection() as c:
            raw = c.connection.dbapi_connection
            assert raw is not None
            raw.executemany(
                "INSERT INTO observation(block_id, at, at_utc, offset_s, partner, stance, "
                "boundary, intensity, strategies, trigger, quote, intervention, response, note) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, '', '', '')",
                rows,
            )
        rows.clear()

    for block in blocks:
        span = 75 * 60
        for n in range(block.observations):
            offset = (n * span) / max(1, block.observations) + rng.random()
            at = block.start + timedelta(seconds=offset)
            rows.append(
                (
                    block.block_id,
                    at.isoformat(),
                    utc_key(at),
                    offset,
                    "AB"[rng.getrandbits(1)],
                    stances[rng.randrange(3)],
                    None if rng.random() < 0.7 else "contained",
                    rng.randint(1, 5),
                    json.dumps(rng.sample(strategies, rng.randint(0, 2))),
                    rng.choice(quotes) if rng.random() < 0.2 else "",
                )
            )
        if len(rows) >= CHUNK:
            flush()
    flush()


def _signatures(vault: Vault, rng: random.Random, blocks: list[PlannedBlock]) -> None:
    """Sign notes of the oldest intensives and add addenda, through the notes service."""
    from crucible.app.services.notes import add_addendum, sign_note

    signable = [b for b in blocks if b.kind != "break" and b.intensive_id < OPEN_INTENSIVE]
    chosen = signable[:SIGNED]
    for block in chosen:
        sign_note(vault, block.block_id, "Dr. Bench, LMFT", intensive_id=block.intensive_id)
    for block in rng.sample(chosen, ADDENDA):
        add_addendum(
            vault,
            block.block_id,
            by="Dr. Bench, LMFT",
            reason="Correction",
            text="A later addition to the signed note.",
            intensive_id=block.intensive_id,
        )


REVIEW_COMMENTS = (
    "Good pacing; the repair attempts land.",
    "Partner B withdraws here; slow down before the next intervention.",
    "Name the pursue-withdraw cycle out loud.",
    "Strong containment of the escalation.",
    "Check in with Partner A before moving on.",
    "The enactment ran long; consider a shorter frame.",
)
SUPERVISOR = "S. Upervisor"
TRAINEE_ACTOR = "Dr. Bench, LMFT"


class _SteppingClock:
    """A clock that moves one minute at every reading, from where it was last set."""

    def __init__(self) -> None:
        self.now = datetime(2017, 1, 1, 18, tzinfo=TZ)

    def set(self, when: datetime) -> None:
        self.now = when

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def add_reviews(vault: Vault, rng: random.Random, blocks: list[PlannedBlock]) -> None:
    """Supervision reviews of the supervised intensives, through the review services (issue 13).

    As the app does it, with a second vault for the supervisor (a temp
    folder, removed afterwards): the cards are exchanged, each supervised
    intensive is sent for review, and the supervisor opens it, comments on
    the whole and on one to three blocks, co-signs about half, and returns
    about half; each return is opened here, so this vault holds what a
    practice's vault holds: the packages sent, and for the returned ones
    the comments and co-signatures. The choices come from `rng`; the keys,
    package ids and seals are random as in the app.
    """
    import tempfile

    from sqlalchemy import text

    from crucible.app.domain.vocabulary import Role
    from crucible.app.services.identity import export_card, import_card, read_card_file
    from crucible.app.services.profile import ClinicianProfile, save_profile
    from crucible.app.services.vault_access import new_vault

    del blocks  # the vault says which intensives are supervised
    with vault.session() as session:
        supervised = [
            int(row[0])
            for row in session.execute(
                text("SELECT id FROM intensive WHERE supervisor IS NOT NULL ORDER BY id")
            )
        ]
    if not supervised:
        return
    clock = _SteppingClock()
    with tempfile.TemporaryDirectory(prefix="crucible-bench-reviews-") as scratch:
        folder = Path(scratch)
        supervisor, _code = new_vault(folder / "supervisor", PASSPHRASE, kdf=FAST, clock=clock)
        try:
            profile = ClinicianProfile(SUPERVISOR, "", Role.SUPERVISOR)
            save_profile(supervisor, profile, clock=clock)
            export_card(vault, folder / "ours.crucible-card", actor=TRAINEE_ACTOR, clock=clock)
            export_card(supervisor, folder / "sup.crucible-card", actor=SUPERVISOR, clock=clock)
            card = read_card_file(folder / "sup.crucible-card")
            theirs = import_card(
                vault, card, actor=TRAINEE_ACTOR, clock=clock, link_as_supervisor=True
            )
            ours = read_card_file(folder / "ours.crucible-card")
            import_card(supervisor, ours, actor=SUPERVISOR, clock=clock)
            for intensive_id in supervised:
                day = FIRST_DAY + timedelta(days=7 * (intensive_id - 1))
                clock.set(datetime(day.year, day.month, day.day, 18, tzinfo=TZ))
                _review_one(vault, supervisor, intensive_id, str(theirs.id), folder, rng, clock)
        finally:
            supervisor.lock()


def _review_one(
    vault: Vault,
    supervisor: Vault,
    intensive_id: int,
    card: str,
    folder: Path,
    rng: random.Random,
    clock: _SteppingClock,
) -> None:
    """One intensive's round: sent, opened, commented, maybe co-signed, maybe returned."""
    from crucible.app.domain.review import numbered_blocks
    from crucible.app.services.review_inbox import (
        add_comment,
        cosign,
        return_review,
        review_intensive,
    )
    from crucible.app.services.review_open import open_package_file
    from crucible.app.services.review_send import send_for_review

    def never(_card: object) -> bool:
        raise AssertionError("the cards were exchanged: no package needs a confirmation")

    package = folder / f"{intensive_id}.crucible-review"
    send_for_review(vault, intensive_id, card, package, actor=TRAINEE_ACTOR, clock=clock)
    clock.set(clock.now + timedelta(days=2))
    opened = open_package_file(supervisor, package, confirm=never, actor=SUPERVISOR, clock=clock)
    review_id = opened.review_id
    assert review_id is not None
    count = len(numbered_blocks(review_intensive(supervisor, review_id)))
    remarks = [(None, rng.choice(REVIEW_COMMENTS))] + [
        (block, rng.choice(REVIEW_COMMENTS))
        for block in sorted(rng.sample(range(1, count + 1), min(count, rng.randint(1, 3))))
    ]
    for block, remark in remarks:
        add_comment(supervisor, review_id, block, remark, actor=SUPERVISOR, clock=clock)
    if rng.random() < 0.5:
        cosign(supervisor, review_id, actor=SUPERVISOR, clock=clock)
    if rng.random() < 0.5:
        back = folder / f"{intensive_id}.return.crucible-review"
        return_review(supervisor, review_id, back, actor=SUPERVISOR, clock=clock)
        clock.set(clock.now + timedelta(days=1))
        open_package_file(vault, back, confirm=never, actor=TRAINEE_ACTOR, clock=clock)
    package.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached vault")
    args = parser.parse_args()
    folder = cached_vault(fresh=args.fresh)
    size = (folder / "vault.db").stat().st_size
    print(f"{folder}: {size / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Budget of the search issue: query p95, indexing overhead on import, size of the index.

Run: .venv/bin/python bench/search.py [--sections 20000] [--observations 200000]

Generates (seeded) a vault of note sections of about 3 KB of varied words
and short observations, inserted with SQL in big transactions (the index's
triggers run as they would in the app), then reports:

- query p95 over typical queries (single word, prefix, phrase, two words,
  CJK) through `app.services.search.search` (limit 50);
- a floor: a plain SQLCipher `count(*)` over the observation table;
- the time to import a 5,000-observation intensive with and without the
  index's triggers (fresh vaults, alternating, median of runs);
- the database size with the index and after dropping it (VACUUM both).

Budgets: p95 < 50 ms; index < 20 % on import time; < 60 % on database size.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import big_document, cpu_model, percentile, temp_folder
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.search import search
from crucible.app.services.vault_access import new_vault, open_vault
from crucible.app.store.keyfile import KdfParams
from crucible.app.store.search_index import SEARCH_TRIGGERS, drop_statements
from crucible.app.store.vault import Vault

FAST = KdfParams(memory_kib=1024, time_cost=1, parallelism=1)
PASSPHRASE = "bench passphrase search"
CLINICAL = [
    "father",
    "mother",
    "silence",
    "dinner",
    "angry",
    "invisible",
    "mortgage",
    "repair",
    "apology",
    "shame",
    "withdrawal",
    "criticism",
    "contempt",
    "defensiveness",
    "stonewalling",
    "boundary",
    "truth",
    "childhood",
    "trauma",
    "fear",
    "tears",
    "laughter",
    "request",
    "feedback",
    "wheel",
    "homework",
]
DIACRITIC = ("Zoë", "Brontë", "café", "naïve", "résumé", "Ångström", "Müller")
CJK = ("我的父亲很生气", "她觉得被忽视", "我们需要谈谈钱的问题", "他小时候很害怕")


FUNCTION_WORDS = 200
"""Made-up words that take the top Zipf ranks, as "the", "and", "to" do in real text.

The clinical words a clinician searches for follow them (ranks 200-233):
content words, not the most frequent tokens. With the clinical words at the
very top instead (as in this bench's first version), "father" was in one
observation of five, a worst case that bench/search.py still reports on its
own line (`--worst-case`).
"""


def _words(rng: random.Random, count: int, *, worst_case: bool = False) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    vocabulary = sorted(
        {
            "".join(rng.choice(letters[: rng.randint(8, 26)]) for _ in range(rng.randint(3, 10)))
            for _ in range(count)
        }
    )
    rng.shuffle(vocabulary)
    if worst_case:
        return [*CLINICAL, *DIACRITIC, *vocabulary]
    top = vocabulary[:FUNCTION_WORDS]
    return [*top, *CLINICAL, *DIACRITIC, *vocabulary[FUNCTION_WORDS:]]


def _text(rng: random.Random, words: list[str], weights: list[float], chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = rng.choices(words, cum_weights=weights, k=rng.randint(6, 18))
        if rng.random() < 0.02:
            sentence.append(rng.choice(CJK))
        line = " ".join(sentence).capitalize() + ". "
        out.append(line)
        size += len(line)
    return "".join(out)


def generate(
    vault: Vault, sections: int, observations: int, seed: int = 11, *, worst_case: bool = False
) -> float:
    """Fill the vault; returns the seconds taken."""
    rng = random.Random(seed)
    words = _words(rng, 20000, worst_case=worst_case)
    weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(words))))  # Zipf
    blocks = max(1, sections // 10)
    intensives = max(1, blocks // 10)  # 2 days of 5 blocks each
    started = time.perf_counter()
    tz = timezone(timedelta(hours=-5))
    with vault.write_connection() as c:
        block_ids: list[int] = []
        for number in range(intensives):
            c.exec_driver_sql(
                "INSERT INTO couple(code, archived, created_at) VALUES (?, 0, NULL)",
                (f"C-{number:05d}",),
            )
            couple = c.exec_driver_sql("SELECT last_insert_rowid()").scalar()
            for key in ("A", "B"):
                c.exec_driver_sql(
                    "INSERT INTO partner(couple_id, key, name, pronouns, colour) "
                    "VALUES (?, ?, ?, '', '')",
                    (couple, key, " ".join(rng.choices(words[:2000], k=2)).title()),
                )
            c.exec_driver_sql(
                "INSERT INTO intensive(couple_id, title, clinician, reflections, status) "
                "VALUES (?, ?, 'Bench Clinician', ?, 'active')",
                (couple, f"Intensive {number}", _text(rng, words, weights, 600)),
            )
            intensive = c.exec_driver_sql("SELECT last_insert_rowid()").scalar()
            for day_number in (1, 2):
                day_date = date(2026, 1, 1) + timedelta(days=2 * number + day_number)
                c.exec_driver_sql(
                    "INSERT INTO day(intensive_id, number, date) VALUES (?, ?, ?)",
                    (intensive, day_number, day_date.isoformat()),
                )
                day = c.exec_driver_sql("SELECT last_insert_rowid()").scalar()
                for position in range(5):
                    start = datetime(day_date.year, day_date.month, day_date.day, 9, tzinfo=tz)
                    c.exec_driver_sql(
                        "INSERT INTO block(day_id, position, title, kind, start) "
                        "VALUES (?, ?, ?, 'joint', ?)",
                        (
                            day,
                            position,
                            " ".join(rng.choices(words[:3000], k=3)),
                            (start + timedelta(hours=position)).isoformat(),
                        ),
                    )
                    block_ids.append(int(c.exec_driver_sql("SELECT last_insert_rowid()").scalar()))
        for block in block_ids:
            c.exec_driver_sql("INSERT INTO block_note(block_id) VALUES (?)", (block,))
            note = c.exec_driver_sql("SELECT last_insert_rowid()").scalar()
            raw = c.connection.dbapi_connection
            assert raw is not None
            raw.executemany(
                "INSERT INTO note_section(note_id, position, title, text) VALUES (?, ?, ?, ?)",
                [
                    (note, position, f"Section {position}", _text(rng, words, weights, 3000))
                    for position in range(10)
                ],
            )
        per_block = max(1, observations // len(block_ids))
        raw = c.connection.dbapi_connection
        assert raw is not None
        at = datetime(2026, 1, 1, 9, tzinfo=UTC)
        for block in block_ids:
            raw.executemany(
                "INSERT INTO observation(block_id, at, at_utc, offset_s, partner, stance, "
                "intensity, strategies, trigger, quote, intervention, response, note) "
                "VALUES (?, ?, ?, 0, ?, ?, 3, '[]', ?, ?, '', '', ?)",
                [
                    (
                        block,
                        at.isoformat(),
                        at.isoformat(),
                        rng.choice("AB"),
                        rng.choice(("one-up", "same-as", "one-down")),
                        _text(rng, words, weights, 20) if rng.random() < 0.5 else "",
                        _text(rng, words, weights, 40) if rng.random() < 0.6 else "",
                        _text(rng, words, weights, 30) if rng.random() < 0.3 else "",
                    )
                    for _ in range(per_block)
                ],
            )
    return time.perf_counter() - started


QUERIES = {
    "single word": ["father ", "mortgage ", "invisible ", "silence ", "boundary "],
    "prefix": ["fath", "mortg", "invis", "sil", "bound"],
    "phrase": ['"father mother"', '"angry invisible"', '"silence dinner"'],
    "two words": ["father silence ", "angry mortgage ", "zoe repair "],
    "CJK": ["父亲", "生气", "钱的问题"],
}


def _size(vault: Vault) -> int:
    with vault.engine.connect() as c:
        pages = c.exec_driver_sql("PRAGMA page_count").scalar()
        size = c.exec_driver_sql("PRAGMA page_size").scalar()
    return int(pages or 0) * int(size or 0)


def _vacuum(vault: Vault) -> None:
    with vault.engine.connect() as c:
        raw = c.connection.dbapi_connection
        assert raw is not None
        raw.execute("VACUUM")


IMPORTED_OBSERVATIONS = 5000  # the budget's intensive


def _import_times(runs: int) -> tuple[list[float], list[float]]:
    data = json.dumps(big_document(IMPORTED_OBSERVATIONS)).encode()
    with_index, without = [], []
    for run in range(runs):
        for indexed in (True, False) if run % 2 == 0 else (False, True):
            vault, _ = new_vault(temp_folder("search-import"), PASSPHRASE, kdf=FAST)
            try:
                if not indexed:
                    with vault.write_connection() as c:
                        for name in SEARCH_TRIGGERS:
                            c.exec_driver_sql(f"DROP TRIGGER {name}")
                started = time.perf_counter()
                import_intensive(vault, data, actor="bench")
                (with_index if indexed else without).append(time.perf_counter() - started)
            finally:
                vault.lock()
    return with_index, without


def corpus_arguments(repeats: int, vault_help: str) -> argparse.ArgumentParser:
    """The options both search benches take: the corpus's size and kind, repeats, a vault."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", type=int, default=20000)
    parser.add_argument("--observations", type=int, default=200000)
    parser.add_argument(
        "--worst-case",
        action="store_true",
        help="clinical words at the top Zipf ranks (in about one observation of five)",
    )
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--vault", type=Path, help=vault_help)
    return parser


def main() -> None:
    parser = corpus_arguments(
        10, "a vault made by bench/search_palette.py --vault, copied instead of generating one"
    )
    args = parser.parse_args()
    cpu = cpu_model()
    print(f"CPU: {cpu}")
    if args.vault is not None:
        folder = temp_folder("search")
        shutil.copytree(args.vault, folder)
        vault = open_vault(folder, PASSPHRASE)
        seconds = 0.0
    else:
        vault, _ = new_vault(temp_folder("search"), PASSPHRASE, kdf=FAST)
    try:
        if args.vault is None:
            seconds = generate(vault, args.sections, args.observations, worst_case=args.worst_case)
        with vault.engine.connect() as c:
            counts = {
                t: c.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()  # noqa: S608
                for t in ("note_section", "observation")
            }
            text_mb = c.exec_driver_sql("SELECT sum(length(text)) FROM note_section").scalar()
        print(f"generated {counts} ({(text_mb or 0) / 1e6:.1f} MB of note text) in {seconds:.1f} s")
        search(vault, "warm up ")
        everything: list[float] = []
        for kind, queries in QUERIES.items():
            times = []
            hits = []
            for _ in range(args.repeats):
                for query in queries:
                    started = time.perf_counter()
                    found = search(vault, query)
                    times.append(time.perf_counter() - started)
                    hits.append(len(found))
            if kind != "CJK":
                everything.extend(times)
            print(
                f"{kind:12s} p50 {statistics.median(times) * 1000:7.1f} ms  "
                f"p95 {percentile(times, 0.95) * 1000:7.1f} ms  "
                f"max {max(times) * 1000:7.1f} ms  hits/query {statistics.mean(hits):.0f}"
            )
        print(f"all word queries p95 {percentile(everything, 0.95) * 1000:.1f} ms")
        floor = []
        for _ in range(args.repeats):
            with vault.engine.connect() as c:
                started = time.perf_counter()
                c.exec_driver_sql("SELECT count(*) FROM observation").scalar()
                floor.append(time.perf_counter() - started)
        print(f"floor: count(*) on observation p50 {statistics.median(floor) * 1000:.1f} ms")
        _vacuum(vault)
        indexed = _size(vault)
        with vault.write_connection() as c:
            for statement in drop_statements():
                c.exec_driver_sql(statement)
        _vacuum(vault)
        plain = _size(vault)
        print(
            f"size: {indexed / 1e6:.1f} MB with the index, {plain / 1e6:.1f} MB without "
            f"(+{(indexed - plain) / plain * 100:.0f} %)"
        )
    finally:
        vault.lock()
    with_index, without = _import_times(max(3, args.repeats // 2))
    a, b = statistics.median(with_index), statistics.median(without)
    print(
        f"import of a {IMPORTED_OBSERVATIONS}-observation intensive: {a * 1000:.1f} ms "
        f"with triggers, {b * 1000:.1f} ms without "
        f"(+{(a - b) / b * 100:.0f} %)"
    )


if __name__ == "__main__":
    main()

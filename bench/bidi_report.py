"""Cost of right-to-left text in a report: mixed-script notes against a Latin-only floor.

Builds the summary report of the demo intensive twice per round: once with
every note section holding Hebrew, Arabic (with harakat), numbers and brackets
mixed into English, once with Latin text of the same length (the floor, same
run). The ratio is what shaping and reordering cost; decision 0015 compares
the hand-written bidi module with python-bidi + arabic-reshaper by it.

Run: .venv/bin/python bench/bidi_report.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SAMPLE, cpu_model
from crucible.app.domain.exchange import parse_intensive
from crucible.app.domain.intensive import Intensive, NoteSection
from crucible.reports import ReportOptions, build_summary_report

OPTIONS = ReportOptions(report_date=date(2026, 11, 25))
MIXED = (
    "Today דנה כהן (Dana) met سارة أحمد at 10:30; she said: אני בת 25 שנים. "
    "قالت: مُحَمَّد لا يسمعني (2 مرات) — "
)
LATIN = ("Today Dana Cohen met Sara Ahmed at 10:30, she said she felt unheard twice. ")[
    : len(MIXED)
]
SECTION_CHARS = 1500
ROUNDS = 5


def with_notes(intensive: Intensive, unit: str) -> Intensive:
    """Every note section's text replaced by ``unit`` repeated to SECTION_CHARS characters."""
    text = (unit * (SECTION_CHARS // len(unit) + 1))[:SECTION_CHARS]
    days = []
    for day in intensive.days:
        blocks = []
        for block in day.blocks:
            sections = tuple(NoteSection(s.title, text) for s in block.note.sections) or (
                NoteSection("Notes", text),
            )
            blocks.append(replace(block, note=replace(block.note, sections=sections)))
        days.append(replace(day, blocks=tuple(blocks)))
    return replace(intensive, days=tuple(days))


def median_seconds(intensive: Intensive) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        build_summary_report(intensive, OPTIONS)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    sample = parse_intensive(json.loads(SAMPLE.read_text("utf-8")))
    mixed, latin = with_notes(sample, MIXED), with_notes(sample, LATIN)
    build_summary_report(mixed, OPTIONS)  # warm: fonts, caches
    floor = median_seconds(latin)
    cost = median_seconds(mixed)
    print(f"cpu: {cpu_model()}")
    print(f"summary report, Latin notes (floor): median {floor:.3f} s")
    print(f"summary report, mixed-script notes: median {cost:.3f} s ({cost / floor:.2f}x floor)")


if __name__ == "__main__":
    main()

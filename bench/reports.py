"""Budgets of the Reports issue, measured from domain objects to PDF bytes.

- the summary report of the sample intensive: < 0.5 s;
- the summary of an intensive with 5,000 observations and 50 pages of notes: < 3 s.

Run: .venv/bin/python bench/reports.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SAMPLE, big_document
from crucible.app.domain.exchange import parse_intensive
from crucible.reports import (
    ReportOptions,
    build_summary_report,
    build_supervision_report,
    encrypt_pdf,
)

OPTIONS = ReportOptions(report_date=date(2026, 11, 25))
NOTE_PAGE_CHARS = 3000  # about one page of note text in the report's body font


def timed(build, intensive, rounds: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, size = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        size = len(build(intensive, OPTIONS))
        times.append(time.perf_counter() - started)
    return statistics.median(times), size


def main() -> None:
    build_summary_report(parse_intensive(json.loads(SAMPLE.read_text("utf-8"))), OPTIONS)  # warm
    sample = parse_intensive(json.loads(SAMPLE.read_text("utf-8")))
    seconds, size = timed(build_summary_report, sample, 5)
    print(
        f"summary report of the sample: median {seconds:.3f} s ({size // 1024} KiB); budget < 0.5 s"
    )
    seconds, size = timed(build_supervision_report, sample, 5)
    print(f"supervision report of the sample: median {seconds:.3f} s ({size // 1024} KiB)")
    blocks = 7 * 7  # sections in the sample's seven blocks
    big = parse_intensive(big_document(5000, note_chars=50 * NOTE_PAGE_CHARS // blocks))
    seconds, size = timed(build_summary_report, big, 3)
    print(
        f"summary report, 5,000 observations + ~50 pages of notes: median {seconds:.3f} s "
        f"({size // 1024} KiB); budget < 3 s"
    )
    pdf = build_summary_report(sample, OPTIONS)
    started = time.perf_counter()
    encrypt_pdf(pdf, "bench password")
    print(f"AES-256 encryption of the sample report: {time.perf_counter() - started:.3f} s")


if __name__ == "__main__":
    main()

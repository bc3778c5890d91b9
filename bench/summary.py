"""Budget of the Analytics issue: the whole summary of an intensive with 5,000 observations.

Run: .venv/bin/python bench/summary.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import big_document
from crucible.app.domain.analytics import summarize_intensive
from crucible.app.domain.exchange import parse_intensive
from crucible.app.domain.timeline import timeline_series


def main() -> None:
    intensive = parse_intensive(json.loads(json.dumps(big_document(5000))))
    count = sum(len(b.observations) for d in intensive.days for b in d.blocks)
    summaries, timelines = [], []
    for _ in range(20):
        started = time.perf_counter()
        summarize_intensive(intensive)
        summaries.append(time.perf_counter() - started)
        started = time.perf_counter()
        timeline_series(intensive)
        timelines.append(time.perf_counter() - started)
    print(
        f"summary of {count} observations: median {statistics.median(summaries) * 1000:.1f} ms "
        f"(max {max(summaries) * 1000:.1f}); budget < 50 ms"
    )
    print(
        f"timeline series of {count} observations: median "
        f"{statistics.median(timelines) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()

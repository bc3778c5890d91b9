"""Helpers shared by the benchmark scripts: temp vaults, generated intensives, stats."""

from __future__ import annotations

import json
import platform
import random
import statistics
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "demo-intensive.json"
STANCES = ("one-up", "same-as", "one-down")
STRATEGIES = (
    "being-right",
    "controlling",
    "unbridled-self-expression",
    "retaliation",
    "withdrawal",
)


def cpu_model() -> str:
    """The CPU model (Linux), else what the platform module says: printed beside each figure."""
    try:
        for line in Path("/proc/cpuinfo").read_text("utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def temp_folder(prefix: str) -> Path:
    """A fresh folder that the OS cleans up eventually."""
    return Path(tempfile.mkdtemp(prefix=f"crucible-bench-{prefix}-")) / "vault"


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank)."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def describe_ms(values: list[float]) -> str:
    """Median and p99 of durations given in seconds, as milliseconds."""
    return (
        f"median {statistics.median(values) * 1000:.3f} ms, "
        f"p99 {percentile(values, 0.99) * 1000:.3f} ms (n={len(values)})"
    )


def big_document(observations: int, seed: int = 7, note_chars: int = 2000) -> dict[str, Any]:
    """The sample intensive with its observations replaced by `observations` generated ones."""
    rng = random.Random(seed)
    document = json.loads(SAMPLE.read_text("utf-8"))
    blocks = [b for d in document["intensive"]["days"] for b in d["blocks"]]
    per_block = observations // len(blocks)
    extra = observations - per_block * len(blocks)
    for index, block in enumerate(blocks):
        start = datetime.fromisoformat(block["start"])
        end = datetime.fromisoformat(block["end"])
        span = int((end - start).total_seconds())
        count = per_block + (1 if index < extra else 0)
        moments = sorted(rng.randrange(span) for _ in range(count))
        block["observations"] = [
            {
                "at": (start + timedelta(seconds=s)).isoformat(),
                "partner": rng.choice("AB"),
                "stance": rng.choice(STANCES),
                "boundary": rng.choice([None, "walled-off", "boundaryless", "contained"]),
                "intensity": rng.randint(1, 5),
                "strategies": rng.sample(STRATEGIES, rng.randint(0, 2)),
                "trigger": "",
                "quote": "",
                "intervention": "",
                "response": "",
                "note": "",
            }
            for s in moments
        ]
        for section in block["note"]["sections"]:
            section["text"] = ("Fictional clinical prose. " * (note_chars // 26 + 1))[:note_chars]
    return document

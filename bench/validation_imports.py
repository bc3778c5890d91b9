"""Start-up cost of a validation library: marginal import time after what settings already load.

Settings are read before the first window (decision 0016), so a library used
there would be imported on that path. Each candidate is imported in a fresh
interpreter after ``app.services.settings`` (so shared modules such as typing
and pathlib are not counted twice) and the cumulative ``-X importtime`` figure
of the import is read; the floor is the import of ``app.services.settings``
itself (with everything it pulls in), from the same runs.
Minimum of ROUNDS runs, interleaved, because the machine is shared.

Run: .venv/bin/python bench/validation_imports.py
"""

from __future__ import annotations

import subprocess
import sys

ROUNDS = 7
CANDIDATES = {
    "msgspec": "import msgspec",
    "pydantic (BaseModel)": "from pydantic import BaseModel",
    "jsonschema": "import jsonschema",
}


def marginal_us(statement: str) -> tuple[int, int]:
    """Microseconds of the settings import, and what the statement's imports add after it."""
    code = (
        f"import crucible.app.services.settings\nimport sys\nprint('--mark--', "
        f"file=sys.stderr)\n{statement}"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    before, after = result.stderr.split("--mark--", 1)
    return _top_level_us(
        before.split("crucible.app.services.settings")[0] + "crucible.app.services.settings"
    ), (_top_level_us(after))


def _top_level_us(report: str) -> int:
    """Sum of the cumulative times of top-level imports (no indent before the name)."""
    total = 0
    for line in report.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            total += int(parts[1])
    return total


def main() -> None:
    samples: dict[str, list[int]] = {name: [] for name in CANDIDATES}
    settings: list[int] = []
    for _ in range(ROUNDS):
        for name, statement in CANDIDATES.items():
            floor_us, added = marginal_us(statement)
            settings.append(floor_us)
            samples[name].append(added)
    floor = min(settings)
    print(f"crucible.app.services.settings with its imports (floor): {floor / 1000:.1f} ms")
    for name, values in samples.items():
        best = min(values)
        print(f"{name}: +{best / 1000:.1f} ms ({best / floor:.2f}x floor)")


if __name__ == "__main__":
    main()

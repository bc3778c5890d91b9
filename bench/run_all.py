"""Run every benchmark script in turn and print their numbers.

Run: .venv/bin/python bench/run_all.py   (or `make bench`)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "foundation.py",
    "summary.py",
    "reports.py",
    "startup.py",
    "cli_latency.py",
    "workspace.py",
    "backup_big.py",
    "live_during_import.py",
    "search.py",
    "search_palette.py",
    "hours.py",
    "review_agreement.py",
    "review_package.py",
    "scale.py",
]


def main() -> int:
    status = 0
    for name in SCRIPTS:
        script = HERE / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        status |= subprocess.run([sys.executable, str(script)], check=False).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())

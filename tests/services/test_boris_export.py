"""The BORIS project opens in BORIS's own reader, and BORIS counts what Crucible counts.

BORIS (`boris-behav-obs`) is a Qt application with heavy native needs, so it
lives in a separate environment, never in Crucible's: `make boris-env`
creates `.venv-boris` beside `.venv` (CI runs it first), or point
`CRUCIBLE_BORIS_PYTHON` at another interpreter that has it. The test is
skipped, with that sentence, where it is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from crucible.app.domain.boris_project import SUBJECTS, observation_id
from crucible.app.services.boris_export import export_boris
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.store.vault import Vault
from tests.research_data import CANARY_WORDS, add, canary_document

PROBE = Path(__file__).with_name("boris_probe.py")
REPOSITORY = Path(__file__).resolve().parents[2]
BORIS_PYTHON = Path(
    os.environ.get("CRUCIBLE_BORIS_PYTHON", REPOSITORY / ".venv-boris" / "bin" / "python")
)


def _boris_python() -> Path:
    if not BORIS_PYTHON.exists():
        pytest.skip(
            f"BORIS is not installed at {BORIS_PYTHON}: run `make boris-env`, "
            "or set CRUCIBLE_BORIS_PYTHON"
        )
    check = subprocess.run(
        [str(BORIS_PYTHON), "-c", "import importlib.util as u; print(bool(u.find_spec('boris')))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.stdout.strip() != "True":
        pytest.skip(f"{BORIS_PYTHON} has no boris-behav-obs package")
    return BORIS_PYTHON


def _probe(project: Path, observation: str) -> dict[str, object]:
    result = subprocess.run(
        [str(_boris_python()), str(PROBE), str(project), observation],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def test_boris_reader_opens_the_project_and_its_time_budget_equals_crucibles_counts(
    vault: Vault, tmp_path: Path
) -> None:
    _boris_python()  # skip before any work where BORIS is missing
    intensive_id = add(vault, canary_document())
    target = tmp_path / "intensive.boris"
    written = export_boris(vault, intensive_id, target, actor="test")
    intensive = get_intensive(vault, intensive_id)
    block = intensive.days[0].blocks[0]
    answer = _probe(target, f"day 1 block 1 {block.kind.value}")
    assert "error" not in answer, answer.get("error")
    assert answer["integrity"] == ""  # BORIS's own check_project_integrity found nothing
    assert len(answer["observations"]) == written == sum(len(d.blocks) for d in intensive.days)  # type: ignore[arg-type]
    crucible = Counter(f"{SUBJECTS[o.partner]}|{o.stance.value}" for o in block.observations)
    budget = {k: v for k, v in answer["time_budget"].items() if v}  # type: ignore[attr-defined]
    assert budget == dict(crucible)
    assert sum(answer["by_modifiers"].values()) == len(block.observations)  # type: ignore[attr-defined]
    every: dict[str, dict[str, int]] = answer["every_budget"]  # type: ignore[assignment]
    for day in intensive.days:
        for position, each in enumerate(day.blocks, start=1):
            counted = Counter(f"{SUBJECTS[o.partner]}|{o.stance.value}" for o in each.observations)
            found = every[observation_id(day.number, position, each)]
            assert {k: v for k, v in found.items() if v} == dict(counted)
    assert not any(w.encode() in target.read_bytes() for w in CANARY_WORDS)


def test_the_probe_reports_a_project_boris_refuses(tmp_path: Path) -> None:
    """The probe is not a rubber stamp: a project from a future BORIS is refused by BORIS."""
    _boris_python()
    project = tmp_path / "future.boris"
    project.write_text(
        json.dumps({"project_format_version": "99.0", "observations": {}, "subjects_conf": {}}),
        encoding="utf-8",
    )
    assert "more recent version" in str(_probe(project, "none").get("error", ""))
    assert sys.executable != str(BORIS_PYTHON)  # BORIS never runs in Crucible's own venv

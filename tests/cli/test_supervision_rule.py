"""`crucible import` asks the rule the dialogs ask: a supervised intensive names both people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crucible.app.domain.intensive import SUPERVISION_NEEDS_BOTH
from tests.cli.conftest import Crucible
from tests.conftest import SAMPLE_PATH, folder_snapshot


def _document_with(tmp_path: Path, trainee: str | None, supervisor: str | None) -> Path:
    document = json.loads(SAMPLE_PATH.read_text("utf-8"))
    document["intensive"]["trainee"] = trainee
    document["intensive"]["supervisor"] = supervisor
    path = tmp_path / "supervised.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


@pytest.mark.parametrize(
    ("trainee", "supervisor"), [("Robin Trainee", None), (None, "Dr. Alex Moss")]
)
def test_import_refuses_a_supervised_intensive_with_one_name(
    initialized: Crucible, tmp_path: Path, trainee: str | None, supervisor: str | None
) -> None:
    before = folder_snapshot(initialized.folder)
    result = initialized("import", str(_document_with(tmp_path, trainee, supervisor)))
    assert result.status == 2
    assert result.err.strip() == SUPERVISION_NEEDS_BOTH
    assert folder_snapshot(initialized.folder) == before


def test_import_keeps_a_supervised_intensive_with_both_names(
    initialized: Crucible, tmp_path: Path
) -> None:
    path = _document_with(tmp_path, "Robin Trainee", "Dr. Alex Moss")
    assert initialized("import", str(path)).status == 0

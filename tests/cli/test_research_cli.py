"""`crucible export-csv` and `export-boris`: the outputs, and bad input refused in a sentence."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crucible.app.cli import Terminal, main
from tests.cli.conftest import Crucible
from tests.conftest import FAST_KDF
from tests.research_data import canary_document, observation_count, sample_document
from tests.safety.processes import as_ordinary_user


def _import(crucible: Crucible, document: dict[str, object], tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    result = crucible("import", str(path))
    assert result.status == 0, result.err
    return result.out.strip().splitlines()[-1]


@pytest.fixture
def stocked(initialized: Crucible, tmp_path: Path) -> tuple[Crucible, str, str]:
    first = _import(initialized, sample_document(), tmp_path, "a.json")
    second = _import(initialized, canary_document(), tmp_path, "b.json")
    return initialized, first, second


def test_export_csv_of_two_ids_and_of_all(
    stocked: tuple[Crucible, str, str], tmp_path: Path
) -> None:
    crucible, first, second = stocked
    result = crucible("export-csv", first, second, "-o", str(tmp_path / "two"))
    assert result.status == 0, result.err
    assert f"{2 * observation_count(sample_document())} observations" in result.out
    result = crucible("export-csv", "--all", "--shift-dates", "-o", str(tmp_path / "all"))
    assert result.status == 0, result.err
    with open(tmp_path / "all" / "intensives.csv", encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 2


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("export-csv", "-o", "OUT"), "Name the intensives to export, or give --all"),
        (("export-csv", "1", "--all", "-o", "OUT"), "Name the intensives to export, or give --all"),
        (("export-csv", "1", "77", "-o", "OUT"), "There is no intensive 77 in the vault"),
        (("export-csv", "abc", "-o", "OUT"), "'abc' is not an id"),
        (("export-boris", "77", "-o", "OUT.boris"), "There is no intensive with id 77"),
    ],
)
def test_bad_input_is_one_sentence_exit_2_and_nothing_written(
    stocked: tuple[Crucible, str, str], tmp_path: Path, args: tuple[str, ...], sentence: str
) -> None:
    crucible = stocked[0]
    out = tmp_path / "out"
    result = crucible(
        *(str(out) if a == "OUT" else str(out) + ".boris" if a == "OUT.boris" else a for a in args)
    )
    assert result.status == 2
    assert sentence in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not out.exists()
    assert not Path(str(out) + ".boris").exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_empty_vault_has_nothing_to_export(initialized: Crucible, tmp_path: Path) -> None:
    result = initialized("export-csv", "--all", "-o", str(tmp_path / "out"))
    assert (result.status, result.err.strip()) == (
        2,
        "There is no intensive to export; nothing was written.",
    )
    assert not (tmp_path / "out").exists()


def test_an_existing_export_needs_force(stocked: tuple[Crucible, str, str], tmp_path: Path) -> None:
    crucible, first, _ = stocked
    out = tmp_path / "out"
    assert crucible("export-csv", first, "-o", str(out)).status == 0
    before = (out / "observations.csv").read_bytes()
    result = crucible("export-csv", "--all", "-o", str(out))
    assert result.status == 2
    assert "already holds an export (observations.csv)" in result.err
    assert (out / "observations.csv").read_bytes() == before
    assert crucible("export-csv", "--all", "-o", str(out), "--force").status == 0
    assert (out / "observations.csv").read_bytes() != before


def test_export_boris_writes_a_project_and_refuses_to_replace_it(
    stocked: tuple[Crucible, str, str], tmp_path: Path
) -> None:
    crucible, _, second = stocked
    target = tmp_path / "intensive.boris"
    result = crucible("export-boris", second, "-o", str(target))
    assert result.status == 0, result.err
    project = json.loads(target.read_text(encoding="utf-8"))
    assert project["project_format_version"] == "7.0"
    assert "Zephyrine" not in target.read_text(encoding="utf-8")
    again = crucible("export-boris", second, "-o", str(target))
    assert again.status == 2
    assert "already exists" in again.err
    assert crucible("export-boris", second, "-o", str(target), "--force").status == 0


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="crucible-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_folder_that_cannot_be_written_is_refused_before_the_passphrase(open_tmp: Path) -> None:
    vault = open_tmp / "vault"
    crucible = Crucible(vault)
    assert crucible("init").status == 0
    _import(crucible, sample_document(), open_tmp, "a.json")
    locked = open_tmp / "locked"
    locked.mkdir(mode=0o500)

    def run() -> tuple[int, str, list[str]]:
        err = io.StringIO()
        status = main(
            ["--vault", str(vault), "export-csv", "--all", "-o", str(locked / "export")],
            terminal=Terminal(io.StringIO(""), io.StringIO(), err),  # no passphrase given
            kdf=FAST_KDF,
        )
        return status, err.getvalue().strip(), sorted(p.name for p in locked.iterdir())

    status, err, left = as_ordinary_user(open_tmp, run)
    assert (status, err, left) == (2, "The folder 'locked' cannot be written.", [])

"""The research export on real encrypted vaults: what it writes, what it hides, what it refuses."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from crucible.app.domain.block_span import effective_span
from crucible.app.domain.flips import find_flips
from crucible.app.domain.intensive import Intensive
from crucible.app.domain.research_codebook import EXPORT_FILES, ResearchOptions
from crucible.app.domain.research_columns import TEXT_FIELDS, observation_columns
from crucible.app.domain.stance_time import chronological
from crucible.app.domain.vocabulary import Strategy
from crucible.app.services import audit_log
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.services.research_export import (
    crucible_version,
    export_research_csv,
    random_shift_days,
)
from crucible.app.store import models
from crucible.app.store.intensives import load_intensive
from crucible.app.store.vault import Vault
from tests.research_data import (
    CANARY_CODE,
    CANARY_WORDS,
    add,
    canary_document,
    observation_count,
    sample_document,
)


@pytest.fixture
def two(vault: Vault) -> tuple[int, int]:
    """The sample (unsupervised) and the canary intensive (supervised), in one vault."""
    return add(vault, sample_document()), add(vault, canary_document())


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _export(vault: Vault, out: Path, **options: Any) -> Path:
    export_research_csv(vault, None, out, ResearchOptions(**options), actor="test")
    return out


def _scan(folder: Path, words: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every (file, word) where a word occurs in a file's bytes, in UTF-8 and casefolded."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        folded = data.decode("utf-8").casefold().encode("utf-8")
        for word in words:
            if word.encode("utf-8") in data or word.casefold().encode("utf-8") in folded:
                found.append((path.name, word))
    return found


def test_tables_read_back_and_row_counts_equal_the_vault(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    out = _export(vault, tmp_path / "export")
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPORT_FILES)
    assert out.stat().st_mode & 0o777 == 0o700  # owner-only, as every export
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o600}
    with vault.session() as session:
        in_vault = session.scalar(select(func.count()).select_from(models.Observation))
        blocks_in_vault = session.scalar(select(func.count()).select_from(models.Block))
    observations = _read(out / "observations.csv")
    assert len(observations) == in_vault == 2 * observation_count(sample_document())
    assert len(_read(out / "blocks.csv")) == blocks_in_vault
    intensives = _read(out / "intensives.csv")
    assert [row["supervised"] for row in intensives] == ["0", "1"]
    assert sum(int(row["observations"]) for row in intensives) == in_vault
    assert len({row["intensive_id"] for row in observations}) == 2
    assert {row["intensive_id"] for row in observations} == {r["intensive_id"] for r in intensives}


def test_strategy_columns_match_the_observations_in_the_vault(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    out = _export(vault, tmp_path / "export")
    rows = _read(out / "observations.csv")
    document = sample_document()["intensive"]
    expected = []
    for day in document["days"]:
        for block in day["blocks"]:
            ordered = sorted(block["observations"], key=lambda o: datetime.fromisoformat(o["at"]))
            expected += ordered
    first = rows[: len(expected)]
    for row, obs in zip(first, expected, strict=True):
        for strategy in Strategy:
            column = "strategy_" + strategy.value.replace("-", "_")
            assert row[column] == ("1" if strategy.value in obs["strategies"] else "0")
        assert row["stance"] == obs["stance"]
        assert row["partner"] == obs["partner"]
        assert row["intensity"] == str(obs["intensity"])
        assert row["boundary"] == (obs["boundary"] or "")


def test_reads_back_with_pandas_too(vault: Vault, two: tuple[int, int], tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    out = _export(vault, tmp_path / "export")
    frame = pandas.read_csv(out / "observations.csv")
    assert len(frame) == 2 * observation_count(sample_document())
    assert set(frame["strategy_withdrawal"].unique()) <= {0, 1}


def test_no_canary_in_any_file_unless_identified(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    """Default, with text and shifted dates: no partner name and no couple code, in any file."""
    plain = _export(vault, tmp_path / "plain")
    texts = _export(vault, tmp_path / "texts", with_text=True, shift_days=random_shift_days())
    assert _scan(plain, (*CANARY_WORDS, CANARY_CODE)) == []
    assert _scan(texts, (*CANARY_WORDS, CANARY_CODE)) == []
    quotes = [row["quote"] for row in _read(texts / "observations.csv")]
    assert any("Partner A said" in quote for quote in quotes)  # redacted, not dropped
    kept = _export(vault, tmp_path / "codes", keep_codes=True)
    assert {(name, word) for name, word in _scan(kept, (CANARY_CODE,))} == {
        ("observations.csv", CANARY_CODE),
        ("blocks.csv", CANARY_CODE),
        ("intensives.csv", CANARY_CODE),
    }
    assert _scan(kept, CANARY_WORDS) == []
    named = _export(vault, tmp_path / "named", identified=True, with_text=True)
    assert ("intensives.csv", "Zephyrine") in _scan(named, CANARY_WORDS)
    assert ("observations.csv", "Bartholomew") in _scan(named, CANARY_WORDS)


def test_shifted_dates_keep_weekdays_and_intervals(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    real = _export(vault, tmp_path / "real")
    moved = _export(vault, tmp_path / "moved", shift_days=-35)
    real_blocks, moved_blocks = _read(real / "blocks.csv"), _read(moved / "blocks.csv")
    for before, after in zip(real_blocks, moved_blocks, strict=True):
        old, new = date.fromisoformat(before["date"]), date.fromisoformat(after["date"])
        assert (old - new).days == 35
        assert old.weekday() == new.weekday()
        start = datetime.fromisoformat(after["planned_start"])
        assert datetime.fromisoformat(before["planned_start"]) - start == (old - new) * 1
        assert before["duration_s"] == after["duration_s"]
    times = [(r["t_block_s"], r["t_intensive_s"]) for r in _read(real / "observations.csv")]
    assert times == [
        (r["t_block_s"], r["t_intensive_s"]) for r in _read(moved / "observations.csv")
    ]
    assert json.loads((moved / "codebook.json").read_text())["options"]["dates_shifted"] is True


def test_random_shift_is_whole_weeks_and_never_zero() -> None:
    shifts = {random_shift_days() for _ in range(200)}
    assert all(s % 7 == 0 and s != 0 and abs(s) <= 728 for s in shifts)
    assert len(shifts) > 20


def test_datapackage_validates_with_frictionless_and_catches_a_bad_value(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    frictionless = pytest.importorskip("frictionless")
    out = _export(vault, tmp_path / "export", with_text=True, identified=True)
    report = frictionless.validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    broken = (
        (out / "observations.csv").read_text(encoding="utf-8").replace(",one-up,", ",sideways,", 1)
    )
    (out / "observations.csv").write_text(broken, encoding="utf-8")
    assert not frictionless.validate(str(out / "datapackage.json")).valid


def test_codebook_names_the_version_and_the_options(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    out = _export(vault, tmp_path / "export", keep_codes=True)
    book = json.loads((out / "codebook.json").read_text(encoding="utf-8"))
    assert book["crucible_version"] == crucible_version()
    assert book["options"]["couple_codes"] == "kept"
    assert book["options"]["flip_window_s"] == 120


def test_existing_export_is_refused_without_force_and_replaced_with_it(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    out = _export(vault, tmp_path / "export")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(InputError, match="already holds an export"):
        _export(vault, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    export_research_csv(vault, [two[0]], out, ResearchOptions(), actor="test", force=True)
    assert len(_read(out / "intensives.csv")) == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPORT_FILES)  # no staging left


def test_unknown_ids_and_an_empty_vault_write_nothing(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no intensive to export"):
        _export(vault, tmp_path / "empty")
    first = add(vault, sample_document())
    with pytest.raises(NotFoundError, match="no intensives 998, 999"):
        export_research_csv(
            vault, [first, 999, 998], tmp_path / "x", ResearchOptions(), actor="test"
        )
    assert list(tmp_path.iterdir()) == [vault.folder] or not (tmp_path / "x").exists()
    assert not (tmp_path / "empty").exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".crucible")] == []


def test_a_failure_midway_leaves_nothing_behind(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    def stop(done: int, total: int) -> None:
        if done == 1:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        export_research_csv(
            vault, None, tmp_path / "export", ResearchOptions(), actor="test", progress=stop
        )
    assert not (tmp_path / "export").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_inside_the_vault_is_refused(vault: Vault, two: tuple[int, int]) -> None:
    with pytest.raises(InputError, match="inside the vault"):
        _export(vault, vault.folder / "export")


def test_each_exported_intensive_is_audited_without_text(
    vault: Vault, two: tuple[int, int], tmp_path: Path
) -> None:
    _export(vault, tmp_path / "export", with_text=True)
    events = [e for e in audit_log.list_events(vault) if e.action == "export-research"]
    assert sorted(e.intensive_id for e in events) == sorted(two)
    assert all(e.detail["with_text"] is True for e in events)
    assert audit_log.verify(vault).ok


def _awkward_document() -> dict[str, Any]:
    """The sample with microseconds (half-millisecond ties), mixed offsets, CSV-hostile text."""
    document = sample_document()
    n = 0
    for day in document["intensive"]["days"]:
        for block in day["blocks"]:
            for observation in block["observations"]:
                at = datetime.fromisoformat(observation["at"]) + timedelta(
                    microseconds=(500, 1500, 123_456, 999_999, 0)[n % 5]
                )
                if n % 3 == 0:  # the same instant, written with another offset
                    at = at.astimezone(timezone(timedelta(hours=1)))
                observation["at"] = at.isoformat()
                observation["quote"] = ("a, b", 'she said "no"', "two\nlines", "", "é")[n % 5]
                n += 1
    return document


def _oracle(intensive: Intensive, window: int) -> bytes:
    """observations.csv of an identified export with text, by csv.writer from the domain's rules."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in observation_columns(True)])
    origin = None
    for day in intensive.days:
        for position, block in enumerate(day.blocks, start=1):
            span = effective_span(block)
            origin = span.start if origin is None else origin
            starts, ends = {}, {}
            for flip in find_flips(block, window):
                starts[flip.before_index], ends[flip.after_index] = flip.direction, flip.direction
            for seq, (index, obs) in enumerate(chronological(block), start=1):
                writer.writerow([
                    intensive.id, intensive.couple.code, day.number, position, block.kind, seq,
                    round((obs.at.timestamp() - span.start.timestamp()) * 1000) / 1000,
                    round((obs.at.timestamp() - origin.timestamp()) * 1000) / 1000,
                    obs.partner, obs.stance, obs.intensity,
                    *(1 if s in obs.strategies else 0 for s in Strategy),
                    obs.boundary or "", starts.get(index, ""), ends.get(index, ""), window,
                    *(getattr(obs, name) for name in TEXT_FIELDS),
                ])  # fmt: skip
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("window", [0, 120, 400])
def test_observations_are_byte_for_byte_what_csv_writer_makes_of_the_domain_rules(
    vault: Vault, tmp_path: Path, window: int
) -> None:
    intensive_id = add(vault, _awkward_document())
    out = _export(vault, tmp_path / "export", identified=True, with_text=True, flip_window_s=window)
    with vault.session() as session:
        intensive = load_intensive(session, intensive_id)
    assert intensive is not None
    assert (out / "observations.csv").read_bytes() == _oracle(intensive, window)

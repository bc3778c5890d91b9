"""The ten-year generator's supervision reviews (`bench.scale_vault.add_reviews`), on a small vault.

The generator itself makes 500 couples; these tests run its review step
alone on a vault with a few imported intensives, two of them supervised,
through the same services the app uses. The shared cached vault is never
touched.
"""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.scale_vault import REVIEW_COMMENTS, SUPERVISOR, add_reviews
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.profile import ClinicianProfile, save_profile
from crucible.app.services.review_return import cosigned_intensives, review_report
from crucible.app.services.vault_access import new_vault
from crucible.app.store.vault import Vault
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_PATH

SEED = 16


def _intensive(supervised: bool) -> bytes:
    document = json.loads(SAMPLE_PATH.read_bytes())
    if supervised:
        document["intensive"]["trainee"] = "T. Rainee"
        document["intensive"]["supervisor"] = SUPERVISOR
    return json.dumps(document).encode()


def _practice(folder: Path) -> tuple[Vault, list[int]]:
    """A small practice: five intensives, of which the 2nd, 3rd, 4th and 5th are supervised."""
    vault, _code = new_vault(folder, PASSPHRASE, kdf=FAST_KDF)
    save_profile(vault, ClinicianProfile(name="Dr. Bench", credentials="LMFT"))
    ids = [import_intensive(vault, _intensive(n > 0), actor="t") for n in range(5)]
    return vault, ids


def _outcome(vault: Vault, ids: list[int]) -> dict[int, object]:
    """Per intensive: sent or not, and what came back (comments' blocks and texts, co-signed)."""
    with vault.session() as session:
        sent = {
            int(row[0]): int(row[1])
            for row in session.execute(
                text("SELECT intensive_id, count(*) FROM review_sent GROUP BY intensive_id")
            )
        }
    outcome: dict[int, object] = {}
    for intensive_id in ids:
        report = review_report(vault, intensive_id)
        outcome[intensive_id] = (
            sent.get(intensive_id, 0),
            None
            if report is None
            else (
                [(c.block, c.text) for c in report.comments],
                report.cosignature is not None,
            ),
        )
    return outcome


@pytest.fixture
def reviewed(tmp_path: Path) -> Iterator[tuple[Vault, list[int], dict[int, object]]]:
    vault, ids = _practice(tmp_path / "practice")
    add_reviews(vault, random.Random(SEED), [])
    yield vault, ids, _outcome(vault, ids)
    vault.lock()


def test_each_supervised_intensive_is_sent_once_and_some_come_back_with_comments(
    reviewed: tuple[Vault, list[int], dict[int, object]],
) -> None:
    vault, ids, outcome = reviewed
    unsupervised, supervised = ids[0], ids[1:]
    assert outcome[unsupervised] == (0, None)
    assert all(outcome[i][0] == 1 for i in supervised)  # type: ignore[index]
    returned = [i for i in supervised if outcome[i][1] is not None]  # type: ignore[index]
    assert 0 < len(returned) < len(supervised)  # with this seed: some, not all
    for intensive_id in returned:
        comments, _cosigned = outcome[intensive_id][1]  # type: ignore[index,misc]
        assert 2 <= len(comments) <= 4
        assert comments[0][0] is None  # one on the whole intensive, then on blocks
        assert all(block is not None and block >= 1 for block, _ in comments[1:])
        assert all(remark in REVIEW_COMMENTS for _, remark in comments)
    cosigned = {i for i in returned if outcome[i][1][1]}  # type: ignore[index]
    assert set(cosigned_intensives(vault)) == cosigned


def test_the_same_seed_gives_the_same_reviews(
    reviewed: tuple[Vault, list[int], dict[int, object]], tmp_path: Path
) -> None:
    _vault, _ids, outcome = reviewed
    again, ids = _practice(tmp_path / "again")
    try:
        add_reviews(again, random.Random(SEED), [])
        assert _outcome(again, ids) == outcome
    finally:
        again.lock()


def test_the_supervisors_vault_and_packages_are_removed(tmp_path: Path) -> None:
    before = set(Path(tempfile.gettempdir()).glob("crucible-bench-reviews-*"))
    vault, _ids = _practice(tmp_path / "practice")
    try:
        add_reviews(vault, random.Random(SEED), [])
    finally:
        vault.lock()
    assert set(Path(tempfile.gettempdir()).glob("crucible-bench-reviews-*")) == before

"""Two real vaults with cards exchanged and a review package sent, made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from crucible.app.domain.vocabulary import Role
from crucible.app.services.identity import export_card, import_card, read_card_file
from crucible.app.services.review_send import send_for_review
from crucible.app.services.vault_access import open_vault
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.conftest import PASSPHRASE
from tests.ui.review.test_review_loop_app import make_vault, supervised_sample


@dataclass(frozen=True)
class Pair:
    """The trainee's and the supervisor's vault folders, and the package sent between them."""

    trainee: Path
    supervisor: Path
    package: Path
    files: Path


def _open(folder: Path) -> Vault:
    return open_vault(folder, PASSPHRASE, actor="t", throttle=UnlockThrottle(sleep=lambda _s: None))


@pytest.fixture
def sent(tmp_path: Path) -> Pair:
    """Cards exchanged (the supervisor's linked, the trainee's NOT imported), a package sent."""
    files = tmp_path / "exchange"
    files.mkdir()
    trainee_folder, supervisor_folder = tmp_path / "trainee", tmp_path / "supervisor"
    intensive_id = make_vault(trainee_folder, "Alex Kim", Role.TRAINEE, supervised_sample())
    assert intensive_id is not None
    make_vault(supervisor_folder, "Dr. Sam Lee", Role.SUPERVISOR)
    supervisor = _open(supervisor_folder)
    export_card(supervisor, files / "sam.crucible-card", actor="t")
    supervisor.lock()
    trainee = _open(trainee_folder)
    card = read_card_file(files / "sam.crucible-card")
    stored = import_card(trainee, card, actor="t", link_as_supervisor=True)
    package = files / "review.crucible-review"
    send_for_review(trainee, intensive_id, str(stored.id), package, actor="t")
    trainee.lock()
    return Pair(trainee_folder, supervisor_folder, package, files)

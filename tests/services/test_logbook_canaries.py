"""Real flows with canaries in every text the clinician types: none reaches the log (test 5's twin).

The vault is made, filled and exported through the real `crucible` command
and the real services (a fast key profile, a temp folder); one command then
fails with a canary in its exception's message. Afterwards every file under
`logs/` is read: no canary, no passphrase, no recovery code, while the
records the log is for (commands, unlocks, imports, exports, backups, the
failure's type and frames) are there.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from crucible.app.domain.intensive import NoteSection, Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services import listing
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.services.logbook import LOG_FOLDER, start_logbook, stop_logbook
from crucible.app.services.notes import save_note
from crucible.app.services.observations import log_observation
from crucible.app.services.report_export import ReportRequest, export_report
from crucible.app.services.vault_access import open_vault
from tests.cli.conftest import Crucible
from tests.conftest import PASSPHRASE, SAMPLE_PATH

CANARY = "CANARYqv7Marlowe"


def _canary_document(folder: Path) -> Path:
    document = json.loads(SAMPLE_PATH.read_text("utf-8"))
    document["couple"]["code"] = f"{CANARY}-code"
    for partner in document["couple"]["partners"]:
        partner["name"] = f"{CANARY}-{partner['key']}"
    document["intensive"]["title"] = f"{CANARY}-title"
    path = folder / f"{CANARY}.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


def _everything_logged(folder: Path) -> str:
    files = sorted((folder / LOG_FOLDER).iterdir())
    assert files, "no log was written"
    return "\n".join(path.read_bytes().decode("utf-8") for path in files)


def test_no_canary_secret_or_recovery_code_reaches_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Init, import, observations, notes, reports, export, backup, an unexpected error."""
    folder = tmp_path / "vault"
    outside = tmp_path / "exports"
    outside.mkdir()
    crucible = Crucible(folder)
    created = crucible("init", "--name", f"Dr {CANARY}", "--credentials", "LMFT")
    assert created.status == 0, created.err
    code = next(line.strip() for line in created.out.splitlines() if line.startswith("    "))
    imported = crucible("import", str(_canary_document(outside)))
    assert imported.status == 0, imported.err
    intensive_id = int(imported.out.split()[-1])

    start_logbook(folder)  # what the app does at its start, for the services called here
    vault = open_vault(folder, PASSPHRASE)
    try:
        intensive = get_intensive(vault, intensive_id)
        block = next(b for d in intensive.days for b in d.blocks if not b.note.is_signed)
        assert block.id is not None
        for minute in range(3):
            log_observation(
                vault,
                block.id,
                Observation(
                    at=block.start + timedelta(minutes=minute + 1),
                    partner=PartnerKey.A,
                    stance=Stance.ONE_UP,
                    quote=f"{CANARY} said so",
                    note=f"{CANARY} note",
                ),
            )
        save_note(vault, block.id, [NoteSection(f"{CANARY} section", f"{CANARY} wrote this")])
        request = ReportRequest(intensive_id, "summary", True, "letter", 20, password=None)
        export_report(vault, request, outside / f"{CANARY}.pdf", actor=f"Dr {CANARY}")
    finally:
        vault.lock()
        stop_logbook()
    for args in (
        ("export-json", str(intensive_id), "-o", str(outside / f"{CANARY}-out.json")),
        ("summary", str(intensive_id)),
        ("backup",),
    ):
        result = crucible(*args)
        assert result.status == 0, (args, result.err)
    assert crucible("list", stdin="wrong " + PASSPHRASE + "\n").status == 3

    def broken(_vault: object) -> list[object]:
        raise KeyError(f"{CANARY} is not a couple")

    monkeypatch.setattr(listing, "list_intensives", broken)
    failed = crucible("list")
    assert failed.status == 10, failed.err
    assert CANARY not in failed.err

    logged = _everything_logged(folder)
    for secret in (CANARY, PASSPHRASE, code, code.replace("-", ""), str(outside)):
        assert secret not in logged, secret
    for expected in (
        "command crucible.app.cli.commands._init started: Crucible 0.1.0, Python 3.",
        "vault created",
        "imported intensive 1: 2 days,",
        "vault unlocked with the passphrase in",
        "exported intensive 1 by crucible.reports.summary_report.build_summary_report: ",
        "exported intensive 1 as JSON:",
        "backup made: ",
        "unlock refused: crucible.app.store.errors.WrongSecretError",
        "vault locked",
        "ERROR crucible.app.cli.commands: command crucible.app.cli.commands._list hit an "
        "unexpected problem\n"
        "KeyError\n",
        'File "app/cli/commands.py", line',
        "in broken",
    ):
        assert expected in logged, expected

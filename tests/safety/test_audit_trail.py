"""Every sensitive action can be an audit event, including those that happen while locked."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from crucible.app.domain.intensive import NoteSection
from crucible.app.services import audit_log, backups, notes, settings, settings_file, vault_access
from crucible.app.services.audit_log import AuditAction
from crucible.app.services.errors import WrongSecretError
from crucible.app.services.intensive_exchange import export_intensive, import_intensive
from crucible.app.services.report_export import ReportRequest, export_report
from crucible.app.store import models
from crucible.app.store.throttle import ATTEMPTS_FILE
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.conftest import FAST_KDF, PASSPHRASE, FakeClock, folder_snapshot
from tests.safety.conftest import CANARY, Crucible, scan_for

NEW_PASSPHRASE = "CANARY-new-passphrase-Zx9"


def _reopen(folder: Path, clock: FakeClock, passphrase: str = PASSPHRASE) -> Vault:
    return vault_access.open_vault(folder, passphrase, clock=clock, throttle=UnlockThrottle())


def test_every_sensitive_action_becomes_a_chained_event(
    vault: Vault, sample_bytes: bytes, clock: FakeClock, tmp_path: Path
) -> None:
    """Unlocks, failures, import, exports, signing, addenda, backup, restore, passphrase, settings.

    Failed unlocks, the passphrase change and the restore happen while the
    vault is locked; they reach the chain of the restored vault at its next
    unlock, in the order they happened.
    """
    folder = vault.folder
    intensive_id = import_intensive(vault, sample_bytes, actor="dr-a", clock=clock)
    with vault.session() as session:
        signed = select(models.BlockNote.block_id).where(models.BlockNote.signed_at.is_not(None))
        block_id = session.scalars(
            select(models.Block.id).where(models.Block.id.not_in(signed)).order_by(models.Block.id)
        ).first()
    assert block_id is not None
    notes.save_note(vault, block_id, [NoteSection("Summary", CANARY + " note text")], clock=clock)
    notes.sign_note(vault, block_id, "dr-a", clock=clock, intensive_id=intensive_id)
    notes.add_addendum(
        vault, block_id, by="dr-a", reason=CANARY, text=CANARY, intensive_id=intensive_id
    )
    export_intensive(vault, intensive_id, actor="dr-a", clock=clock)
    export_report(
        vault,
        ReportRequest(intensive_id, "summary", True, "letter", 120, password=CANARY),
        tmp_path / "report.pdf",
        actor="dr-a",
        clock=clock,
    )
    settings_file.apply_settings(
        folder,
        settings.Settings(),
        settings.Settings(idle_minutes=5),
        vault=vault,
        actor="dr-a",
        clock=clock,
    )
    backups.backup_now(vault, actor="dr-a", clock=clock)
    # A backup cannot hold its own event; the next one holds the first one's.
    backup = backups.backup_now(vault, actor="dr-a", clock=clock).info.path
    vault.lock()

    clock.advance(60)
    with pytest.raises(WrongSecretError):
        _reopen(folder, clock, "wrong passphrase")
    audit_log.record_failed_unlock(folder, clock)
    clock.advance(60)
    vault_access.set_new_passphrase(folder, PASSPHRASE, NEW_PASSPHRASE, kdf=FAST_KDF, clock=clock)
    clock.advance(60)
    backups.restore(backup, folder, PASSPHRASE, clock=clock)  # the backup predates the change
    clock.advance(60)
    reopened = _reopen(folder, clock)
    try:
        events = audit_log.list_events(reopened)
        verdict = audit_log.verify(reopened)
        raw = [e.detail for e in events]
    finally:
        reopened.lock()
    actions = [e.action for e in events]
    for action in (
        "vault-created",
        "import",
        "sign",
        "addendum",
        "export-json",
        "export-report",
        "settings-changed",
        "backup",
        "failed-unlock",
        "passphrase-changed",
        "restore",
        "unlock",
    ):
        assert action in actions, action
    # The restored vault knows what happened to its folder since the backup, in time order.
    assert actions[-4:] == ["failed-unlock", "passphrase-changed", "restore", "unlock"]
    assert [e.intensive_id for e in events if e.action == "sign"] == [intensive_id]
    assert verdict.ok
    assert verdict.events == len(events)
    assert scan_for(json.dumps(raw).encode(), [CANARY, PASSPHRASE, NEW_PASSPHRASE]) == []


def test_a_failed_unlock_writes_only_the_pending_file_and_only_when_asked(
    new_vault: tuple[Vault, str], clock: FakeClock, no_throttle: UnlockThrottle
) -> None:
    """The unlock writes only the backoff's count; the explicit call adds one private file.

    Neither holds a secret.
    """
    vault, _ = new_vault
    vault.lock()
    before = folder_snapshot(vault.folder)
    with pytest.raises(WrongSecretError):
        vault_access.open_vault(vault.folder, NEW_PASSPHRASE, throttle=no_throttle)
    counted = folder_snapshot(vault.folder)
    assert scan_for(counted.pop(ATTEMPTS_FILE)[0], [NEW_PASSPHRASE, PASSPHRASE]) == []
    assert counted == before
    (vault.folder / ATTEMPTS_FILE).unlink()
    audit_log.record_failed_unlock(vault.folder, clock)
    audit_log.record_failed_unlock(vault.folder, clock)
    after = folder_snapshot(vault.folder)
    assert set(after) - set(before) == {audit_log.PENDING_FILE}
    assert {k: v for k, v in after.items() if k != audit_log.PENDING_FILE} == before
    pending = vault.folder / audit_log.PENDING_FILE
    assert stat.S_IMODE(pending.stat().st_mode) == 0o600
    assert scan_for(pending.read_bytes(), [NEW_PASSPHRASE, PASSPHRASE]) == []
    assert audit_log.pending_count(vault.folder) == 2


def test_pending_events_are_appended_once_even_after_a_crash_before_removal(
    vault: Vault, clock: FakeClock
) -> None:
    """A pending file surviving its flush (crash after commit) does not record twice."""
    folder = vault.folder
    vault.lock()
    audit_log.record_failed_unlock(folder, clock)
    saved = (folder / audit_log.PENDING_FILE).read_bytes()
    _reopen(folder, clock).lock()
    (folder / audit_log.PENDING_FILE).write_bytes(saved)  # as if the removal never happened
    reopened = _reopen(folder, clock)
    try:
        assert len(audit_log.list_events(reopened, action="failed-unlock")) == 1
    finally:
        reopened.lock()


def test_a_damaged_pending_file_is_itself_recorded(vault: Vault, clock: FakeClock) -> None:
    """An unreadable pending file becomes a 'pending-audit-lost' event, not silence."""
    folder = vault.folder
    vault.lock()
    (folder / audit_log.PENDING_FILE).write_bytes(b"\x00{ not json")
    reopened = _reopen(folder, clock)
    try:
        (lost,) = audit_log.list_events(reopened, action=AuditAction.PENDING_LOST)
        assert lost.detail == {"reason": "unreadable"}
    finally:
        reopened.lock()
    assert not (folder / audit_log.PENDING_FILE).exists()


def test_pending_file_is_capped(vault: Vault, clock: FakeClock) -> None:
    """Beyond the cap only a count grows, and the count reaches the chain."""
    folder = vault.folder
    vault.lock()
    for _ in range(audit_log.MAX_PENDING + 3):
        audit_log.record_failed_unlock(folder, clock)
    assert audit_log.pending_count(folder) == audit_log.MAX_PENDING + 3
    reopened = _reopen(folder, clock)
    try:
        (lost,) = audit_log.list_events(reopened, action=AuditAction.PENDING_LOST)
        assert lost.detail == {"reason": "too-many", "count": 3}
    finally:
        reopened.lock()


def test_detail_refuses_anything_that_could_hold_client_text(vault: Vault) -> None:
    """Long or multi-line strings and nested values are refused before they reach the chain."""
    for detail in ({"note": "x" * 200}, {"text": "a\nb"}, {"nested": {"a": 1}}, {"l": [1]}):
        with pytest.raises(ValueError, match="audit detail"):
            audit_log.record(vault, AuditAction.EXPORT_JSON, actor="t", detail=detail)
    audit_log.record(vault, AuditAction.EXPORT_JSON, actor="t", detail={"kind": "summary", "n": 3})


def test_events_filter_by_action_and_intensive(vault: Vault, sample_bytes: bytes) -> None:
    """list_events narrows to one action or one intensive."""
    first = import_intensive(vault, sample_bytes, actor="t")
    export_intensive(vault, first, actor="t")
    assert [e.action for e in audit_log.list_events(vault, intensive_id=first)] == [
        "import",
        "signature-imported",  # the sample holds two signed notes
        "signature-imported",
        "export-json",
    ]
    assert len(audit_log.list_events(vault, action="export-json")) == 1


def test_cli_audit_prints_events_and_the_chain_verdict(initialized: Crucible) -> None:
    """`crucible audit` prints one line per event; --json a list; exit 1 once the chain breaks."""
    plain = initialized("audit")
    assert plain.status == 0, plain.err
    lines = plain.out.splitlines()
    assert lines[0].split("\t")[1:4] == ["crucible", "vault-created", "-"]
    assert "verifies" in lines[-1]
    as_json = initialized("audit", "--json")
    assert as_json.status == 0
    events = json.loads(as_json.out)
    assert [e["action"] for e in events][-2:] == ["unlock", "unlock"]
    assert set(events[0]) == {
        "id",
        "at",
        "actor",
        "action",
        "intensive_id",
        "detail",
        "authenticated",
    }
    _tamper_with_first_event(initialized.folder)
    broken = initialized("audit")
    assert broken.status == 1
    assert "audit event 1" in broken.err


def _tamper_with_first_event(folder: Path) -> None:
    from tests.safety.conftest import open_without_migrating

    vault = open_without_migrating(folder)
    try:
        with vault.engine.begin() as connection:
            triggers = (
                connection.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                    {"t": "audit_event"},
                )
                .scalars()
                .all()
            )
            for name in triggers:
                connection.exec_driver_sql(f'DROP TRIGGER "{name}"')
            connection.exec_driver_sql("UPDATE audit_event SET actor = 'someone' WHERE id = 1")
    finally:
        vault.lock()


def test_pending_file_survives_being_copied_with_the_vault(tmp_path: Path, vault: Vault) -> None:
    """Pending events belong to the folder: a copied folder flushes them into its own chain."""
    folder = vault.folder
    vault.lock()
    audit_log.record_failed_unlock(folder, FakeClock())
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    reopened = _reopen(copy, FakeClock())
    try:
        assert len(audit_log.list_events(reopened, action="failed-unlock")) == 1
    finally:
        reopened.lock()


def test_the_verdict_names_broken_events_by_id_and_kind(vault: Vault, clock: FakeClock) -> None:
    """The window and the command get ids and kinds, not sentences to parse."""
    audit_log.record(vault, AuditAction.BACKUP, actor="t", clock=clock)
    audit_log.record(vault, AuditAction.BACKUP, actor="t", clock=clock)
    with vault.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_no_update"))
        connection.execute(text("UPDATE audit_event SET actor = 'someone' WHERE id = 2"))
    verdict = audit_log.verify(vault)
    assert not verdict.ok
    assert verdict.breaks == (audit_log.ChainProblem(2, audit_log.ChainBreak.CHANGED),)
    assert verdict.broken_ids == (2,)
    assert [audit_log.chain_problem_sentence(b) for b in verdict.breaks] == [
        "audit event 2: was changed after it was written"
    ]

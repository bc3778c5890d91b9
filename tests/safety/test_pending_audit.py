"""Events recorded while locked: marked unauthenticated, bound to their vault, strictly parsed.

Finding 11 of "Data safety, second round": a hand-written
`pending-audit.json` was appended at the next unlock as genuine, and after a
restore of another vault's backup the old vault's pending events landed in
the new vault's chain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from crucible.app.services import audit_log, vault_access
from crucible.app.services.audit_log import LOCKED_PROVENANCE, PENDING_FILE, AuditAction
from crucible.app.store.derived_keys import vault_id
from crucible.app.store.vault import UnlockThrottle, Vault
from tests.cli.conftest import Crucible
from tests.conftest import FAST_KDF, PASSPHRASE, FakeClock
from tests.safety.conftest import open_without_migrating

NEW_PASSPHRASE = "a new passphrase 42"


def _audit(crucible: Crucible, passphrase: str = PASSPHRASE) -> list[dict[str, Any]]:
    result = crucible("audit", "--json", stdin=passphrase + "\n")
    assert result.status == 0, result.err
    events: list[dict[str, Any]] = json.loads(result.out)
    return events


def _reopen(folder: Path, clock: FakeClock) -> Vault:
    return vault_access.open_vault(folder, PASSPHRASE, clock=clock, throttle=UnlockThrottle())


def _pending(folder: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((folder / PENDING_FILE).read_text("utf-8"))
    return document


def test_a_hand_written_restore_is_refused_and_only_counted(initialized: Crucible) -> None:
    """A 2019 restore by an invented actor claiming approval never reaches the chain."""
    forged = {
        "format": "crucible.pending-audit/1",
        "dropped": 0,
        "events": [
            {
                "id": "00112233aabbccdd",
                "kind": "restore",
                "at": "2019-03-04T10:00:00+00:00",
                "actor": "Dr. Invented Person",
                "detail": {"approved_by": "Supervisor K. Marsh", "backup_reason": "manual"},
            }
        ],
    }
    (initialized.folder / PENDING_FILE).write_text(json.dumps(forged))
    result = initialized("audit", "--json")
    assert result.status == 0, result.err
    events = json.loads(result.out)
    assert not [e for e in events if e["action"] == "restore"]
    (refused,) = [e for e in events if e["action"] == AuditAction.PENDING_REFUSED]
    assert refused["detail"] == {"pending_events_refused": 1}
    for word in ("Invented", "Marsh", "approved", "2019"):
        assert word not in result.out + result.err
    assert not (initialized.folder / PENDING_FILE).exists()


def test_events_recorded_while_locked_are_marked_unauthenticated(initialized: Crucible) -> None:
    """A failed unlock and a passphrase change reach the chain saying they cannot be vouched for."""
    audit_log.record_failed_unlock(initialized.folder)  # as the unlock window does
    changed = initialized("passwd", stdin=f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n")
    assert changed.status == 0, changed.err
    events = _audit(initialized, NEW_PASSPHRASE)
    locked = [e for e in events if e["action"] in ("failed-unlock", "passphrase-changed")]
    assert [e["action"] for e in locked] == ["failed-unlock", "passphrase-changed"]
    for event in locked:
        assert event["authenticated"] is False
        assert event["detail"]["provenance"] == LOCKED_PROVENANCE
    assert all(e["authenticated"] for e in events if e not in locked)
    assert LOCKED_PROVENANCE == "recorded while locked, not authenticated"


def test_pending_events_name_the_vault_they_were_recorded_for(initialized: Crucible) -> None:
    """Each pending entry carries the id derived from this vault's data key."""
    audit_log.record_failed_unlock(initialized.folder)
    (entry,) = _pending(initialized.folder)["events"]
    vault = open_without_migrating(initialized.folder)
    try:
        assert entry["vault"] == vault_id(vault.data_key)
    finally:
        vault.lock()
    assert re.fullmatch(r"[0-9a-f]{32}", entry["vault"])


def test_another_vaults_pending_events_are_dropped_after_a_restore(
    initialized: Crucible, tmp_path: Path
) -> None:
    """Restoring vault Y's backup over X: X's pending change is dropped, counted, not shown."""
    other = Crucible(tmp_path / "other")
    assert other("init").status == 0
    backup = tmp_path / "other.crucible-backup"
    assert other("backup", "-o", str(backup)).status == 0

    changed = initialized("passwd", stdin=f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n")
    assert changed.status == 0, changed.err
    restored = initialized("restore", str(backup))  # Y's passphrase
    assert restored.status == 0, restored.err

    events = _audit(initialized)
    assert not [e for e in events if e["action"] == "passphrase-changed"]
    (refused,) = [e for e in events if e["action"] == AuditAction.PENDING_REFUSED]
    assert refused["detail"] == {"pending_events_from_another_vault": 1}
    (restore,) = [e for e in events if e["action"] == "restore"]
    assert restore["authenticated"] is False


def test_a_vaults_own_backup_keeps_its_pending_events(
    initialized: Crucible, tmp_path: Path
) -> None:
    """Restoring this vault's own backup keeps what happened to it while locked."""
    backup = tmp_path / "own.crucible-backup"
    assert initialized("backup", "-o", str(backup)).status == 0
    assert initialized("passwd", stdin=f"{PASSPHRASE}\n{NEW_PASSPHRASE}\n").status == 0
    assert initialized("restore", str(backup)).status == 0
    actions = [e["action"] for e in _audit(initialized)]
    assert actions[-3:] == ["passphrase-changed", "restore", "unlock"]
    assert AuditAction.PENDING_REFUSED not in actions


# ---------------------------------------------------------------------- the strict schema

Mutation = Callable[[dict[str, Any], FakeClock], None]


def _set(key: str, value: object) -> Mutation:
    return lambda entry, _clock: entry.__setitem__(key, value)


def _future(entry: dict[str, Any], clock: FakeClock) -> None:
    entry["at"] = (clock.now + timedelta(days=1)).isoformat()


MALFORMED: dict[str, Mutation] = {
    "unknown kind": _set("kind", "delete-everything"),
    "a kind never recorded while locked": _set("kind", "sign"),
    "in the future": _future,
    "before any Crucible existed": _set("at", "2019-03-04T10:00:00+00:00"),
    "without a time zone": _set("at", "2026-11-25T09:30:00"),
    "not a time": _set("at", "yesterday"),
    "an actor too long": _set("actor", "x" * 81),
    "an actor over two lines": _set("actor", "dr-a\nsecond line"),
    "an extra field": _set("note", "free text"),
    "an unknown detail": _set("detail", {"approved_by": "someone"}),
    "a detail value out of its set": _set("detail", {"method": "magic"}),
    "a malformed id": _set("id", "not-hex"),
    "a malformed vault id": _set("vault", "vault-of-someone"),
}


@pytest.mark.parametrize("mutation", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_entries_are_refused_and_counted(
    vault_folder: Path, clock: FakeClock, mutation: Mutation
) -> None:
    """Each malformed entry is refused; the good one beside it still goes in."""
    vault, _ = vault_access.new_vault(vault_folder, PASSPHRASE, kdf=FAST_KDF, clock=clock)
    vault.lock()
    clock.advance(60)
    audit_log.record_passphrase_change(vault_folder, clock, method="passphrase")
    audit_log.record_failed_unlock(vault_folder, clock)
    document = _pending(vault_folder)
    mutation(document["events"][0], clock)
    (vault_folder / PENDING_FILE).write_text(json.dumps(document))
    clock.advance(60)
    reopened = _reopen(vault_folder, clock)
    try:
        events = audit_log.list_events(reopened)
    finally:
        reopened.lock()
    actions = [e.action for e in events]
    assert "passphrase-changed" not in actions
    assert actions.count("failed-unlock") == 1
    (refused,) = [e for e in events if e.action == AuditAction.PENDING_REFUSED]
    assert refused.detail == {"pending_events_refused": 1}


def test_duplicate_ids_are_refused(vault_folder: Path, clock: FakeClock) -> None:
    """Two entries with one id: the second is refused, not appended twice."""
    vault, _ = vault_access.new_vault(vault_folder, PASSPHRASE, kdf=FAST_KDF, clock=clock)
    vault.lock()
    audit_log.record_failed_unlock(vault_folder, clock)
    document = _pending(vault_folder)
    document["events"].append(dict(document["events"][0]))
    (vault_folder / PENDING_FILE).write_text(json.dumps(document))
    reopened = _reopen(vault_folder, clock)
    try:
        events = audit_log.list_events(reopened)
    finally:
        reopened.lock()
    assert [e.action for e in events].count("failed-unlock") == 1
    (refused,) = [e for e in events if e.action == AuditAction.PENDING_REFUSED]
    assert refused.detail == {"pending_events_refused": 1}


def test_an_oversized_pending_file_is_not_read(vault_folder: Path, clock: FakeClock) -> None:
    """A file far larger than the cap allows is recorded as lost without being parsed."""
    vault, _ = vault_access.new_vault(vault_folder, PASSPHRASE, kdf=FAST_KDF, clock=clock)
    vault.lock()
    padding = " " * (audit_log.MAX_PENDING_BYTES + 1)
    (vault_folder / PENDING_FILE).write_text('{"format": "x"' + padding + "}")
    reopened = _reopen(vault_folder, clock)
    try:
        (lost,) = audit_log.list_events(reopened, action=AuditAction.PENDING_LOST)
    finally:
        reopened.lock()
    assert lost.detail == {"reason": "too-large"}

"""Integrity checks with their durations, and the backup to offer when the vault is damaged.

`quick_check` is SQLite's cheaper check (no index-to-table cross check),
fit for a start-up or idle-time probe. `full_check` is the one full check,
run by `crucible check` and by the app: `integrity_check`, SQLCipher's
`cipher_integrity_check` (every page's HMAC), then the tamper-evidence
checks, each timed so the app can say how long a check takes on this vault
before offering it.

The tamper-evidence checks assume the database opened (so whoever changed
it held the data key) and ask whether it still says what was written: every
append-only trigger in place with its expected SQL, every signed note's
hash recomputed and compared with the stored one and with the one in the
audit trail, and the keyed audit chain recomputed. What they can and cannot
reveal is in docs/tamper-evidence.md.

When the vault cannot be opened or fails a check, `newest_restorable_backup`
finds the newest backup whose bytes match its manifest (no secret is needed
for that; the restore itself checks the rest) and says how much would be
lost: the time between the backup and the vault's last write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from crucible.app.domain.vault_layout import DB_NAME
from crucible.app.services.audit_log import ANCHORING_ACTIONS, chain_problem_sentence, verify
from crucible.app.services.backups import (
    BackupListing,
    Verification,
    backups_folder,
    list_backups,
    verify_backup_file,
)
from crucible.app.services.errors import VaultError
from crucible.app.store.append_only import trigger_problems
from crucible.app.store.signatures import signature_problems
from crucible.app.store.vault import Vault

# The one sentence for a part of the database that cannot be read at all.
UNREADABLE = "The {what} could not be read; the database is damaged."


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check: its name, whether it passed, what it found, and how long it took."""

    name: str
    ok: bool
    problems: tuple[str, ...]
    seconds: float


@dataclass(frozen=True, slots=True)
class FullCheck:
    """Every check of `full_check`, in the order run."""

    results: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(result.ok for result in self.results)

    @property
    def seconds(self) -> float:
        """The time all checks took together."""
        return sum(result.seconds for result in self.results)

    @property
    def problems(self) -> list[str]:
        """Every problem found, prefixed with the check that found it."""
        return [f"{r.name}: {problem}" for r in self.results for problem in r.problems]


@dataclass(frozen=True, slots=True)
class RestoreOffer:
    """The backup to offer, and the stretch of work that restoring it would lose."""

    backup: BackupListing
    last_vault_write: datetime | None
    gap: timedelta | None  # None when the vault's files are gone


def quick_check(vault: Vault) -> CheckResult:
    """SQLite's `PRAGMA quick_check`: structure and page consistency, without index checks."""
    return _timed("quick_check", lambda: _pragma_lines(vault, "PRAGMA quick_check", ok=["ok"]))


def full_check(vault: Vault) -> FullCheck:
    """SQLite's and SQLCipher's checks, the triggers, the signatures and the chain, each timed."""
    integrity = _timed(
        "integrity_check", lambda: _pragma_lines(vault, "PRAGMA integrity_check", ok=["ok"])
    )
    cipher = _timed(
        "cipher_integrity_check",
        lambda: _pragma_lines(vault, "PRAGMA cipher_integrity_check", ok=[]),
    )
    triggers = _timed("append_only_triggers", lambda: trigger_check(vault))
    signatures = _timed("signed_notes", lambda: signature_check(vault))
    chain = _timed("audit_chain", lambda: [chain_problem_sentence(p) for p in verify(vault).breaks])
    return FullCheck((integrity, cipher, triggers, signatures, chain))


def trigger_check(vault: Vault) -> list[str]:
    """Every append-only trigger present with its expected SQL, and no stranger on those tables."""
    try:
        with vault.engine.connect() as connection:
            return trigger_problems(connection)
    except DBAPIError:
        return [UNREADABLE.format(what="database schema")]


def signature_check(vault: Vault) -> list[str]:
    """Every signed note's text against its stored hash, and that hash against the trail's."""
    try:
        with vault.session() as session:
            return signature_problems(session, ANCHORING_ACTIONS)
    except DBAPIError:
        return [UNREADABLE.format(what="signed notes")]


def newest_restorable_backup(
    vault_folder: Path, *, extra_folders: tuple[Path, ...] = ()
) -> RestoreOffer | None:
    """The newest backup (in the vault's backups folder or a mirror) whose hashes check out.

    Backups are checked newest first and the search stops at the first good
    one, so a damaged newest backup costs one extra read, not a full scan.
    """
    candidates: list[BackupListing] = []
    for folder in (backups_folder(vault_folder), *extra_folders):
        candidates += [b for b in list_backups(folder) if b.created_at is not None]
    candidates.sort(key=lambda b: b.created_at.timestamp() if b.created_at else 0.0, reverse=True)
    last_write = _last_write(vault_folder)
    for candidate in candidates:
        checked = verify_backup_file(candidate.path)
        if checked.verification is Verification.HASHES and checked.created_at is not None:
            gap = None if last_write is None else max(timedelta(0), last_write - checked.created_at)
            return RestoreOffer(checked, last_write, gap)
    return None


def _last_write(vault_folder: Path) -> datetime | None:
    times = []
    for name in (DB_NAME, DB_NAME + "-wal"):
        try:
            times.append((vault_folder / name).stat().st_mtime)
        except OSError:
            continue
    return datetime.fromtimestamp(max(times)).astimezone() if times else None


def _pragma_lines(vault: Vault, pragma: str, *, ok: list[str]) -> list[str]:
    try:
        with vault.engine.connect() as connection:
            lines = [str(row[0]) for row in connection.execute(text(pragma))]
    except DBAPIError:
        return [UNREADABLE.format(what="database")]
    except VaultError as error:
        return [str(error)]
    return [] if lines == ok else lines


def _timed(name: str, run: Callable[[], list[str]]) -> CheckResult:
    started = time.perf_counter()
    problems = tuple(run())
    return CheckResult(name, not problems, problems, time.perf_counter() - started)


__all__ = [
    "CheckResult",
    "FullCheck",
    "RestoreOffer",
    "full_check",
    "newest_restorable_backup",
    "quick_check",
    "signature_check",
    "trigger_check",
]

"""One write path for audit events: an `AuditAction` member, a detail that passed the guard.

`app.store.audit.append_event` is the only function that writes an event;
every service, `audit_log.record` included, goes through it. These tests
hold it to checking the action and the detail itself, and read the source
to prove no caller passes an action name as a raw string.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crucible.app.domain.audit_vocabulary import AuditAction
from crucible.app.services import audit_log
from crucible.app.store import models
from crucible.app.store.audit import append_event
from crucible.app.store.vault import Vault
from tests.conftest import FakeClock

ROOT = Path(__file__).resolve().parents[2]
# Every function that takes an action name on its way to the trail, and where the name goes.
WRITERS = {"append_event", "record", "record_or_defer", "record_pending", "run"}


def _event_count(vault: Vault) -> int:
    with vault.session() as session:
        return int(session.scalar(select(func.count()).select_from(models.AuditEvent)) or 0)


def test_append_event_refuses_an_action_that_is_not_a_member(
    vault: Vault, clock: FakeClock
) -> None:
    before = _event_count(vault)
    with pytest.raises(ValueError, match="AuditAction"), vault.write_session() as session:
        append_event(session, at=clock(), actor="t", action="made-up")  # type: ignore[arg-type]
    assert _event_count(vault) == before


@pytest.mark.parametrize(
    "detail",
    [
        {"note": "Partner A said " + "something long enough to be client text " * 3},
        {"note": "two\nlines"},
        {"nested": {"text": "x"}},
    ],
)
def test_append_event_runs_the_guard_for_every_caller(
    vault: Vault, clock: FakeClock, detail: dict[str, object]
) -> None:
    """The store-level call refuses what `audit_log.record` refuses: the guard is inside it."""
    before = _event_count(vault)
    with pytest.raises(ValueError, match="audit detail"), vault.write_session() as session:
        append_event(session, at=clock(), actor="t", action=AuditAction.BACKUP, detail=detail)
    with pytest.raises(ValueError, match="audit detail"):
        audit_log.record(vault, AuditAction.BACKUP, actor="t", clock=clock, detail=detail)
    assert _event_count(vault) == before


def test_a_member_with_a_label_detail_is_written(vault: Vault, clock: FakeClock) -> None:
    audit_log.record(vault, AuditAction.BACKUP, actor="t", clock=clock, detail={"reason": "manual"})
    (last,) = audit_log.list_events(vault, action=AuditAction.BACKUP)
    assert last.detail == {"reason": "manual"}
    assert audit_log.verify(vault).ok


def _raw_action_names(source: str, where: str) -> list[str]:
    """Calls in `source` that hand a writer a string literal (or f-string) as the action."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in WRITERS:
            continue
        candidates = [kw.value for kw in node.keywords if kw.arg in ("action", "kind")]
        # record(vault, ACTION, ...), record_pending(folder, ACTION, ...), run(ACTION, ...)
        position = 0 if name == "run" else 1
        if len(node.args) > position:
            candidates.append(node.args[position])
        for value in candidates:
            if isinstance(value, ast.JoinedStr) or (
                isinstance(value, ast.Constant) and isinstance(value.value, str)
            ):
                found.append(f"{where}:{node.lineno}")
    return found


def test_no_caller_passes_a_raw_action_string() -> None:
    files = sorted((ROOT / "app").rglob("*.py")) + sorted((ROOT / "reports").rglob("*.py"))
    offenders = [
        hit
        for path in files
        for hit in _raw_action_names(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "line",
    [
        'record(vault, "backup", actor="x")',
        'append_event(session, at=now, actor="x", action="sign")',
        'action.run(f"intensive-{status}", work)',
    ],
)
def test_the_source_scan_finds_a_raw_action_string(line: str) -> None:
    """The scan above can fail: a raw name in a call is reported."""
    assert _raw_action_names(line + "\n", "sample.py") == ["sample.py:1"]

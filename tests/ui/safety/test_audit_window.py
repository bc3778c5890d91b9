"""The Audit trail window: a tested Qt model, filters, and the chain check (with tampering)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import text

from crucible.app.services.audit_log import LOCKED_PROVENANCE, AuditEntry, list_events
from crucible.app.ui.safety.audit_model import (
    ACTION,
    INTENSIVE,
    AuditFilter,
    AuditModel,
    BrokenRole,
    UnauthenticatedRole,
)
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import wait_idle
from tests.ui.shell.test_accessibility import _unnamed


def _open_audit(qtbot: Any, desktop: Desktop) -> Any:
    desktop.window.audit_trail.trigger()
    window = desktop.session.data_safety.audit_controller
    assert window is not None
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
    return window


def _shown(window: Any, column: int) -> list[str]:
    proxy = window.proxy
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    """The audit model and its filter behave as Qt's model tester expects."""
    at = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    entries = [
        AuditEntry(1, at, "crucible", "vault-created", None, {}),
        AuditEntry(2, at, "J. Reyes", "import", 1, {"format": "crucible.intensive/1"}),
        AuditEntry(3, at, "crucible", "backup", None, {"reason": "daily", "mirrored": False}),
    ]
    model = AuditModel()
    model.set_entries(entries)
    qtmodeltester.check(model)
    proxy = AuditFilter()
    proxy.setSourceModel(model)
    proxy.set_action("import")
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 1
    model.set_broken({2})
    assert model.index(1, 0).data(BrokenRole) is True
    assert model.index(2, 4).data() == "mirrored: no, reason: daily"


def test_events_recorded_while_locked_are_marked(qtmodeltester: Any) -> None:
    """An event from the pending file shows a warning mark, says why, and filters by action."""
    at = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    locked = {"pending_id": "00112233aabbccdd", "provenance": LOCKED_PROVENANCE}
    model = AuditModel()
    model.set_entries(
        [
            AuditEntry(1, at, "crucible", "unlock", None, {"method": "passphrase"}),
            AuditEntry(2, at, "crucible", "failed-unlock", None, locked),
        ]
    )
    qtmodeltester.check(model)
    assert model.index(0, ACTION).data() == "unlock"
    assert model.index(0, ACTION).data(UnauthenticatedRole) is False
    marked = model.index(1, ACTION)
    assert marked.data() == "⚠ failed-unlock"
    assert marked.data(UnauthenticatedRole) is True
    assert "recorded while the vault was locked" in marked.data(Qt.ItemDataRole.ToolTipRole)
    assert "not authenticated" in marked.data(Qt.ItemDataRole.AccessibleTextRole)
    proxy = AuditFilter()
    proxy.setSourceModel(model)
    proxy.set_action("failed-unlock")
    assert proxy.rowCount() == 1


def test_window_lists_filters_and_verifies(qtbot: Any, unlocked: Desktop) -> None:
    """Events are listed; action and intensive filters narrow them; an intact chain verifies."""
    window = _open_audit(qtbot, unlocked)
    view = window.view
    assert view.windowTitle() == "Crucible — Audit trail"
    assert _unnamed(view) == []
    events = list_events(unlocked.session.vault)
    assert window.model.rowCount() == len(events)
    assert view.count.text() == f"{len(events)} events"

    view.action.setCurrentIndex(view.action.findData("import"))
    assert set(_shown(window, ACTION)) == {"import"}
    view.action.setCurrentIndex(0)
    view.intensive.setCurrentIndex(view.intensive.findData(1))
    assert set(_shown(window, INTENSIVE)) == {"1"}
    assert window.proxy.rowCount() == len([e for e in events if e.intensive_id == 1])
    assert view.count.text().endswith(f"of {len(events)} events")
    view.intensive.setCurrentIndex(0)

    view.verify.click()
    wait_idle(qtbot, unlocked)
    assert view.verdict.text().startswith(f"The chain verifies: all {len(events)} events")


def test_a_tampered_entry_is_shown_broken(qtbot: Any, unlocked: Desktop) -> None:
    """After a raw-SQL edit of event 2 (trigger dropped), the check names and marks that row."""
    with unlocked.session.vault.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_no_update"))
        connection.execute(text("UPDATE audit_event SET action = 'nothing' WHERE id = 2"))
    window = _open_audit(qtbot, unlocked)
    view = window.view
    view.action.setCurrentIndex(view.action.findData("unlock"))  # event 2 filtered out
    view.verify.click()
    wait_idle(qtbot, unlocked)
    assert "audit event 2: was changed after it was written" in view.verdict.text()
    assert view.verdict.text().startswith("The chain is broken.")
    assert view.action.currentIndex() == 0  # filters cleared to show the broken row
    selected = view.table.selectionModel().selectedRows()
    assert [window.proxy.mapToSource(i).row() for i in selected] == [1]
    assert window.proxy.index(1, 0).data(BrokenRole) is True
    assert window.proxy.index(0, 0).data(BrokenRole) is False


def test_no_note_text_reaches_the_window(qtbot: Any, unlocked: Desktop) -> None:
    """Nothing the window shows comes from a note, only from the events' small fields."""
    from crucible.app.services.casebook import load_casebook

    window = _open_audit(qtbot, unlocked)
    shown = " ".join(
        str(window.model.index(r, c).data())
        for r in range(window.model.rowCount())
        for c in range(window.model.columnCount())
    )
    for couple in load_casebook(unlocked.session.vault):
        for partner in couple.partners:
            assert partner.name not in shown

"""Signing runs once: one sign call, one audit event, and no error in the status line."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMessageBox

from crucible.app.services.audit_log import list_events
from crucible.app.ui.block import BlockController
from tests.ui.block.conftest import DAY2, Demo


def test_sign_and_yes_signs_exactly_once_without_an_error(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Sign… then Sign in the box: the service is called once, the trail has one sign event."""
    calls: list[int] = []
    real_sign = workspace.services.sign

    def counted_sign(block_id: int, intensive_id: int | None) -> Any:
        calls.append(block_id)
        return real_sign(block_id, intensive_id)

    workspace.services.sign = counted_sign  # type: ignore[method-assign]
    before = sum(e.action == "sign" for e in list_events(demo.vault))
    workspace.view.note.sign.click()
    box = workspace.note.dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.wait(50)  # any queued second delivery would have arrived by now
    assert calls == [demo.block_id(DAY2)]
    assert sum(e.action == "sign" for e in list_events(demo.vault)) == before + 1
    status = workspace.view.note.status
    assert "not saved" not in status.text()
    assert "already signed" not in status.text()
    assert status.text().startswith("Signed by")
    assert status.styleSheet() == ""

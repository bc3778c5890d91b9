"""A live key never waits behind an import running on the background helper.

A real import of a generated intensive (thousands of observations, one
transaction) runs on the app's one background helper while live keys are
pressed. The key's handler must return while the import still holds the
vault's writer, the pad says the write is queued, and the observation is
stored after the import (so its id is higher than every imported one), with
the follow-up key pressed meanwhile applied to it. The time each key takes
is measured by bench/live_during_import.py, not here.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from PySide6.QtCore import Qt

from bench.common import big_document
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.observations import block_observations
from crucible.app.ui.kit.background import BackgroundWork
from tests.ui.block.conftest import DAY2, Demo

IMPORTED_OBSERVATIONS = 6000


def _big_import(demo: Demo) -> bytes:
    document = big_document(IMPORTED_OBSERVATIONS)
    for day in document["intensive"]["days"]:
        for block in day["blocks"]:
            block["note"].update(signed_at=None, signed_by=None, addenda=[])
    return json.dumps(document).encode()


def test_a_live_key_returns_at_once_and_is_stored_after_the_import(
    qtbot: Any, make_workspace: Any, demo: Demo
) -> None:
    background = BackgroundWork()
    workspace = make_workspace(background=background)
    workspace.show_block(demo.intensive_id, demo.block_id(DAY2))
    workspace.set_live(True)
    data = _big_import(demo)
    imported: list[int] = []
    finished = threading.Event()

    def run_import() -> int:
        try:
            return import_intensive(demo.vault, data, actor="test")
        finally:
            finished.set()

    background.run_write(run_import, imported.append, lambda error: pytest_fail(error))
    qtbot.waitUntil(lambda: demo.vault.writer_busy, timeout=10_000)

    rows = workspace.table_model.rowCount()
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_4)
    assert not finished.is_set(), "the keys waited for the import to finish"
    assert len(workspace.observations.queued) == 1
    assert workspace.view.pad.message.text().startswith("Saving as soon as")
    assert workspace.table_model.rowCount() == rows  # shown only once durable

    qtbot.waitUntil(lambda: bool(imported) and not workspace.observations.queued, timeout=60_000)
    assert workspace.table_model.rowCount() == rows + 1
    assert not workspace.view.pad.message.isVisible()
    stored = block_observations(demo.vault, demo.block_id(DAY2))
    new = max(stored, key=lambda o: o.id or 0)
    assert (new.partner, new.stance, new.intensity) == (PartnerKey.A, Stance.ONE_UP, 4)
    big = get_intensive(demo.vault, imported[0])
    imported_ids = [o.id or 0 for d in big.days for b in d.blocks for o in b.observations]
    assert len(imported_ids) == IMPORTED_OBSERVATIONS
    assert new.id is not None
    assert new.id > max(imported_ids)  # written after the import

    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_P)  # writer free again: written at once
    assert not workspace.observations.queued
    assert workspace.table_model.rowCount() == rows + 2


def pytest_fail(error: BaseException) -> None:
    raise AssertionError(f"the import failed: {error!r}")

"""A live key commits between an import's chunks, not after the whole import (issue 16).

A real import of a generated intensive (thousands of observations, written
in short transactions) runs on the app's one background helper while live
keys are pressed through the real workspace. The import is made to hold the
vault's writer at a known point (its between-batches hook takes the writer
lock, as its own transaction would) and to pause at the next one, so the
test is deterministic: the keys press while the writer is taken, so the pad
says the write is queued; once the import lets go, the key's write goes
first (`Vault.give_way`) and the row shows while the import is still
paused mid-way, its intensive staged and invisible. The time each key takes
is measured by bench/live_during_import.py, not here.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from PySide6.QtCore import Qt

from bench.common import big_document
from crucible.app.domain.foreground import WINDOW_S, Foreground
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.casebook import load_couples
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


class PausingImport:
    """The import's between-batches hook: holds the writer after batch 1, pauses after batch 2.

    Holding the writer lock there is what the import's own next transaction does.
    """

    def __init__(self, demo: Demo) -> None:
        self.vault = demo.vault
        self.holding = threading.Event()
        self.let_go = threading.Event()
        self.paused = threading.Event()
        self.resume = threading.Event()
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1
        if self.calls == 2:
            with self.vault.writing():  # as the import's own transaction holds it
                self.holding.set()
                assert self.let_go.wait(30)
        elif self.calls == 3:
            self.paused.set()
            assert self.resume.wait(30)


def test_a_live_key_commits_and_shows_while_the_import_is_mid_way(
    qtbot: Any, make_workspace: Any, demo: Demo
) -> None:
    background = BackgroundWork()
    workspace = make_workspace(background=background)
    workspace.show_block(demo.intensive_id, demo.block_id(DAY2))
    workspace.set_live(True)
    data = _big_import(demo)
    imported: list[int] = []
    finished = threading.Event()
    hook = PausingImport(demo)

    def run_import() -> int:
        try:
            return import_intensive(demo.vault, data, actor="test", between_batches=hook)
        finally:
            finished.set()

    background.run_write(run_import, imported.append, lambda error: pytest_fail(error))
    qtbot.waitUntil(hook.holding.is_set, timeout=10_000)

    rows = workspace.table_model.rowCount()
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_4)
    assert len(workspace.observations.queued) == 1
    assert workspace.view.pad.message.text().startswith("Saving as soon as")
    assert workspace.table_model.rowCount() == rows  # shown only once durable
    qtbot.waitUntil(lambda: demo.vault.writers_waiting == 1, timeout=10_000)  # the key thread

    hook.let_go.set()  # the import lets go of the writer; the key's write goes first
    qtbot.waitUntil(lambda: not workspace.observations.queued, timeout=10_000)
    assert hook.paused.wait(10)
    assert not finished.is_set(), "the key waited for the whole import"
    assert workspace.table_model.rowCount() == rows + 1
    assert not workspace.view.pad.message.isVisible()
    stored = block_observations(demo.vault, demo.block_id(DAY2))
    new = max(stored, key=lambda o: o.id or 0)
    assert (new.partner, new.stance, new.intensity) == (PartnerKey.A, Stance.ONE_UP, 4)
    staged_seen = [i for c in load_couples(demo.vault) for i in c.intensives]
    assert [i.id for i in staged_seen] == [demo.intensive_id]  # half an import shows nowhere

    hook.resume.set()
    qtbot.waitUntil(lambda: bool(imported), timeout=60_000)
    big = get_intensive(demo.vault, imported[0])
    imported_ids = [o.id or 0 for d in big.days for b in d.blocks for o in b.observations]
    assert len(imported_ids) == IMPORTED_OBSERVATIONS
    assert new.id is not None
    assert min(imported_ids) < new.id < max(imported_ids)  # written mid-way through the import
    assert imported[0] in {i.id for c in load_couples(demo.vault) for i in c.intensives}

    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_P)  # writer free again: written at once
    assert not workspace.observations.queued
    assert workspace.table_model.rowCount() == rows + 2


def pytest_fail(error: BaseException) -> None:
    raise AssertionError(f"the import failed: {error!r}")


def test_a_live_key_asks_background_work_to_step_aside(
    qtbot: Any, make_workspace: Any, demo: Demo
) -> None:
    """Decision 0032: the key's handling runs while an import waits, not beside it."""
    now = [500.0]
    demo.vault.foreground = Foreground(clock=lambda: now[0])
    workspace = make_workspace(background=BackgroundWork())
    workspace.show_block(demo.intensive_id, demo.block_id(DAY2))
    workspace.set_live(True)
    assert not demo.vault.foreground.wanted
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    assert demo.vault.foreground.wanted
    now[0] += WINDOW_S
    assert not demo.vault.foreground.wanted

"""The live summary shows partner_figures for this block, this day and the intensive, live."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt

from crucible.app.domain.analytics import partner_figures
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.ui.block import BlockController
from crucible.app.ui.block.live_figures import ROW_LABELS, format_column
from tests.conftest import FakeClock
from tests.ui.block.conftest import DAY2, Demo, ManualTimers


def _shown(workspace: BlockController, key: PartnerKey, scope: str) -> tuple[str, ...]:
    values = workspace.view.summary.values
    return tuple(values[(key, scope, row)].text() for row in range(len(ROW_LABELS)))


def _expected(demo: Demo, key: PartnerKey, window: int) -> dict[str, tuple[str, ...]]:
    intensive = get_intensive(demo.vault, demo.intensive_id)
    day = intensive.days[1]
    block = next(b for b in day.blocks if b.title == DAY2)
    every = [b for d in intensive.days for b in d.blocks]
    return {
        "Block": format_column(partner_figures([block], key, window)),
        "Day": format_column(partner_figures(day.blocks, key, window)),
        "Intensive": format_column(partner_figures(every, key, window)),
    }


def _assert_refresh_matches_analytics(
    qtbot: Any, workspace: BlockController, demo: Demo, timers: ManualTimers
) -> None:
    """The summary's timer is pending; once it fires, every scope shows partner_figures."""
    assert timers.made["summary"].isActive()
    with qtbot.waitSignal(workspace.summary_ready, timeout=5000):
        timers.fire("summary")
    for key in PartnerKey:
        for scope, column in _expected(demo, key, workspace.flip_window_s).items():
            assert _shown(workspace, key, scope) == column


def test_the_summary_matches_the_analytics(
    qtbot: Any, workspace: BlockController, demo: Demo, timers: ManualTimers
) -> None:
    """The block's figures show on opening, day and intensive a moment later: partner_figures."""
    for key in PartnerKey:
        expected = _expected(demo, key, workspace.flip_window_s)
        assert _shown(workspace, key, "Block") == expected["Block"]
    _assert_refresh_matches_analytics(qtbot, workspace, demo, timers)
    assert workspace.view.summary.scope_labels[(PartnerKey.A, "Day")].text() == "Day 2"


def test_the_summary_follows_new_observations(
    qtbot: Any, workspace: BlockController, demo: Demo, timers: ManualTimers
) -> None:
    """Shortly after observations arrive (a coalescing timer), the figures include them."""
    workspace.set_live(True)
    for key in (Qt.Key.Key_Q, Qt.Key.Key_5, Qt.Key.Key_P, Qt.Key.Key_Q):
        qtbot.keyClick(workspace.view.pad, key)
    _assert_refresh_matches_analytics(qtbot, workspace, demo, timers)


def test_the_summary_kept_by_deltas_matches_the_analytics(
    qtbot: Any,
    workspace: BlockController,
    demo: Demo,
    timers: ManualTimers,
    session_clock: FakeClock,
) -> None:
    """The tallies moved by each change still say what partner_figures says.

    Keys at the block's newest moment (flips included), refinements, undo, a
    delete and an edit in the middle.
    """
    record = workspace.record
    assert record is not None
    session_clock.now = record.at(len(record) - 1).at + timedelta(seconds=5)
    workspace.set_live(True)
    keys = (Qt.Key.Key_Q, Qt.Key.Key_5, Qt.Key.Key_R, Qt.Key.Key_G, Qt.Key.Key_Z, Qt.Key.Key_P)
    for key in (*keys, Qt.Key.Key_M, Qt.Key.Key_Q, Qt.Key.Key_R, Qt.Key.Key_L):
        session_clock.advance(7)
        qtbot.keyClick(workspace.view.pad, key)
    _assert_refresh_matches_analytics(qtbot, workspace, demo, timers)
    workspace.undo_stack.undo()  # the newest observation taken away
    workspace.undo_stack.undo()  # a refinement undone
    _assert_refresh_matches_analytics(qtbot, workspace, demo, timers)
    middle = record.at(len(record) // 2)
    assert middle.id is not None
    assert workspace.observations.delete(middle.id)
    other = record.at(len(record) // 3)
    moved = dataclasses.replace(
        other, stance=Stance.ONE_DOWN if other.stance != Stance.ONE_DOWN else Stance.ONE_UP
    )
    assert workspace.observations.edit(other, moved)
    _assert_refresh_matches_analytics(qtbot, workspace, demo, timers)

"""Live mode: one key logs partner + stance now; follow-up keys refine; nothing logs otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from crucible.app.services.observations import block_observations
from crucible.app.ui.block import BlockController, KeyMap
from crucible.app.ui.block.keymap import LogStance
from tests.conftest import FakeClock
from tests.ui.block.conftest import DAY2, Demo, focus, log_live

KEYS = [
    (Qt.Key.Key_Q, PartnerKey.A, Stance.ONE_UP),
    (Qt.Key.Key_A, PartnerKey.A, Stance.SAME_AS),
    (Qt.Key.Key_Z, PartnerKey.A, Stance.ONE_DOWN),
    (Qt.Key.Key_P, PartnerKey.B, Stance.ONE_UP),
    (Qt.Key.Key_L, PartnerKey.B, Stance.SAME_AS),
    (Qt.Key.Key_M, PartnerKey.B, Stance.ONE_DOWN),
]


def _stored(demo: Demo) -> list[Any]:
    return block_observations(demo.vault, demo.block_id(DAY2))


def _last(demo: Demo) -> Any:
    """The block's newest observation."""
    return max(_stored(demo), key=lambda o: o.id or 0)


def test_each_live_key_logs_its_partner_and_stance_at_the_clock_time(
    qtbot: Any, workspace: BlockController, demo: Demo, session_clock: FakeClock
) -> None:
    """Q/A/Z log Partner A and P/L/M Partner B, one-up/same-as/one-down, at the clock's time."""
    workspace.set_live(True)
    for key, partner, stance in KEYS:
        session_clock.advance(17)
        before = {o.id for o in _stored(demo)}
        qtbot.keyClick(workspace.view.pad, key)
        new = [o for o in _stored(demo) if o.id not in before]
        assert len(new) == 1
        assert (new[0].partner, new[0].stance, new[0].at) == (partner, stance, session_clock())
        assert new[0].intensity == 3
        assert workspace.table_model.row_of(new[0].id) is not None


def test_no_key_logs_outside_live_mode(qtbot: Any, workspace: BlockController, demo: Demo) -> None:
    """With live mode off, the same keys on the pad or the table log nothing."""
    count = len(_stored(demo))
    rows = workspace.table_model.rowCount()
    for widget in (workspace.view.pad, workspace.view.table.table):
        focus(qtbot, widget)
        for key, _partner, _stance in KEYS:
            qtbot.keyClick(widget, key)
        qtbot.keyClick(widget, Qt.Key.Key_4)
    assert len(_stored(demo)) == count
    assert workspace.table_model.rowCount() == rows


def test_typing_in_the_note_never_logs_even_in_live_mode(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Live keys leave a focused text field alone: the letters land in the note."""
    workspace.set_live(True)
    count = len(_stored(demo))
    workspace.view.tabs.setCurrentWidget(workspace.view.note)
    editor = workspace.view.note.editors[0]
    focus(qtbot, editor)
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, " qazplm 12345 rcutw gbh")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.toPlainText().endswith(" qazplm 12345 rcutw gbh\n")
    assert len(_stored(demo)) == count
    assert workspace.live


def test_follow_up_keys_refine_the_last_observation(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Digits set intensity, R/C/U/T/W toggle strategies, G/B/H set or clear the boundary."""
    pad = log_live(qtbot, workspace, Qt.Key.Key_Z)
    for key in (Qt.Key.Key_5, Qt.Key.Key_W, Qt.Key.Key_R, Qt.Key.Key_G):
        qtbot.keyClick(pad, key)
    last = _last(demo)
    assert (last.partner, last.stance, last.intensity) == (PartnerKey.A, Stance.ONE_DOWN, 5)
    assert last.strategies == (Strategy.BEING_RIGHT, Strategy.WITHDRAWAL)
    assert last.boundary is Boundary.WALLED_OFF
    for key in (Qt.Key.Key_W, Qt.Key.Key_H, Qt.Key.Key_1):
        qtbot.keyClick(pad, key)
    last = _last(demo)
    assert last.strategies == (Strategy.BEING_RIGHT,)
    assert last.boundary is Boundary.CONTAINED
    assert last.intensity == 1
    qtbot.keyClick(pad, Qt.Key.Key_H)
    assert _last(demo).boundary is None
    assert "Being right" in pad.last_line.text()


def test_held_keys_and_shortcuts_do_not_log(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """An auto-repeated key, or one with Ctrl/Alt, is not a live key."""
    workspace.set_live(True)
    count = len(_stored(demo))
    pad = workspace.view.pad
    focus(qtbot, pad)
    qtbot.keyClick(pad, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(pad, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    repeat = QKeyEvent(
        QEvent.Type.KeyPress, Qt.Key.Key_Q, Qt.KeyboardModifier.NoModifier, "q", True
    )
    QApplication.sendEvent(pad, repeat)
    assert len(_stored(demo)) == count


def test_enter_opens_the_details_row_and_escape_saves_it(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Enter opens trigger/quote/...; typing there logs nothing; Esc saves and closes."""
    pad = log_live(qtbot, workspace, Qt.Key.Key_P)
    count = len(_stored(demo))
    qtbot.keyClick(pad, Qt.Key.Key_Return)
    assert pad.details.isVisible()
    trigger = pad.detail_fields["trigger"]
    qtbot.waitUntil(trigger.hasFocus)
    qtbot.keyClicks(trigger, "plan cancelled")
    qtbot.keyClick(trigger, Qt.Key.Key_Return)
    quote = pad.detail_fields["quote"]
    assert quote.hasFocus()
    qtbot.keyClicks(quote, "You always do this")
    qtbot.keyClick(quote, Qt.Key.Key_Escape)
    assert not pad.details.isVisible()
    stored = _last(demo)
    assert len(_stored(demo)) == count
    assert (stored.trigger, stored.quote) == ("plan cancelled", "You always do this")
    assert quote.text() == ""
    qtbot.keyClick(pad, Qt.Key.Key_M)  # focus is back on the pad: live keys log again
    assert len(_stored(demo)) == count + 1


def test_key_caps_log_like_their_keys(qtbot: Any, workspace: BlockController, demo: Demo) -> None:
    """Clicking a cap (mouse or touch) logs the same as its key, live or not."""
    cap = next(
        c for c in workspace.view.pad.caps if c.action == LogStance(PartnerKey.B, Stance.ONE_UP)
    )
    assert cap.key_text == "P"
    qtbot.mouseClick(cap, Qt.MouseButton.LeftButton)
    last = _last(demo)
    assert (last.partner, last.stance) == (PartnerKey.B, Stance.ONE_UP)


def test_f2_toggles_live_mode_with_an_unmistakable_indicator(
    qtbot: Any, workspace: BlockController
) -> None:
    """F2 switches live on (red banner, red frame, signal) and off again."""
    pad = workspace.view.pad
    focus(qtbot, workspace.view.table.table)
    with qtbot.waitSignal(workspace.live_mode_changed) as signal:
        qtbot.keyClick(workspace.view.table.table, Qt.Key.Key_F2)
    assert signal.args == [True]
    assert workspace.live
    assert pad.banner.isVisible()
    assert "LIVE" in pad.banner.text()
    assert workspace.view.property("live") is True
    assert pad.hasFocus()
    with qtbot.waitSignal(workspace.live_mode_changed) as signal:
        qtbot.keyClick(pad, Qt.Key.Key_F2)
    assert signal.args == [False]
    assert not pad.banner.isVisible()
    assert workspace.view.property("live") is False


def test_a_failed_write_is_not_shown_as_logged(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """When the vault cannot take the write, no row appears and the pad says so."""
    workspace.set_live(True)
    rows = workspace.table_model.rowCount()
    demo.vault.lock()
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    assert workspace.table_model.rowCount() == rows
    assert workspace.view.pad.message.isVisible()
    assert workspace.undo_stack.count() == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"X": LogStance(PartnerKey.A, Stance.ONE_UP), "Y": LogStance(PartnerKey.A, Stance.ONE_UP)},
        {"Ctrl+Q": LogStance(PartnerKey.A, Stance.ONE_UP)},
    ],
)
def test_a_key_map_binds_each_key_and_action_once(bad: dict[str, Any]) -> None:
    """Two keys for one action, or a key with a modifier, is refused."""
    with pytest.raises(ValueError):  # noqa: PT011 - the message names the key
        KeyMap(bad)


def test_a_custom_key_map_is_shown_and_used(qtbot: Any, make_workspace: Any, demo: Demo) -> None:
    """A key map passed in relabels the caps and is what live mode listens to."""
    bindings = dict(KeyMap().bindings)
    bindings["E"] = bindings.pop("Q")
    workspace = make_workspace(key_map=KeyMap(bindings))
    workspace.show_block(demo.intensive_id, demo.block_id(DAY2))
    cap = next(
        c for c in workspace.view.pad.caps if c.action == LogStance(PartnerKey.A, Stance.ONE_UP)
    )
    assert cap.key_text == "E"
    workspace.set_live(True)
    count = len(_stored(demo))
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_Q)
    assert len(_stored(demo)) == count
    qtbot.keyClick(workspace.view.pad, Qt.Key.Key_E)
    assert _last(demo).stance is Stance.ONE_UP


def test_follow_up_keys_never_rewrite_an_older_observation(
    qtbot: Any, workspace: BlockController, demo: Demo
) -> None:
    """Before anything is logged in this sitting, a stray digit or letter changes nothing."""
    workspace.set_live(True)
    before = _stored(demo)
    for key in (Qt.Key.Key_4, Qt.Key.Key_W, Qt.Key.Key_G, Qt.Key.Key_Return):
        qtbot.keyClick(workspace.view.pad, key)
    assert _stored(demo) == before
    assert workspace.view.pad.message.isVisible()
    assert not workspace.view.pad.details.isVisible()
    assert workspace.undo_stack.count() == 0

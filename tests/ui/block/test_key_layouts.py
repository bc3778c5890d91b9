"""The live keys follow the keyboard-layout setting: same hands, same rows, other letters."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from crucible.app.domain.vocabulary import PartnerKey, Stance, Strategy
from crucible.app.services.observations import block_observations
from crucible.app.services.settings import KeyLayout
from crucible.app.services.settings_file import open_settings, save_settings
from crucible.app.ui.block.keymap import (
    DEFAULT_KEY_MAP,
    KEY_LAYOUTS,
    LogStance,
    ToggleStrategy,
    key_code,
    key_map_for,
)
from crucible.app.ui.shell.launch import Desktop
from tests.ui.conftest import press_live_key, unlock


@pytest.mark.parametrize(
    ("layout", "keys"),
    [("qwerty", "QAZPLM"), ("qwertz", "QAYPLM"), ("azerty", "AQWPMN")],
)
def test_each_layout_puts_the_six_stance_keys_under_the_same_fingers(
    layout: str, keys: str
) -> None:
    """Left hand Partner A, right hand Partner B; top, home, bottom row = up, same, down."""
    key_map = KEY_LAYOUTS[layout]
    expected = [LogStance(p, s) for p in (PartnerKey.A, PartnerKey.B) for s in Stance]
    assert [key_map.action_for(key_code(k)) for k in keys] == expected
    assert len(key_map.bindings) == len(DEFAULT_KEY_MAP.bindings)


def test_azerty_moves_withdrawal_off_the_stance_key() -> None:
    """On AZERTY W is Partner A's one-down, so withdrawal moves to D."""
    azerty = key_map_for("azerty")
    assert azerty.action_for(key_code("D")) == ToggleStrategy(Strategy.WITHDRAWAL)
    assert key_map_for("no such layout") is DEFAULT_KEY_MAP


def test_the_setting_reaches_the_live_pad(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """With AZERTY chosen, pressing A in live mode logs Partner A one-up."""
    settings = open_settings(demo_vault).settings
    save_settings(demo_vault, dataclasses.replace(settings, key_layout=KeyLayout.AZERTY))
    desktop = start_desktop(demo_vault)
    unlock(qtbot, desktop)
    session = desktop.session
    from crucible.app.services import casebook

    block_id = casebook.load_casebook(session.vault)[0].intensives[0].days[0].blocks[0].id
    session.workspace.select(("block", block_id))
    workspace = session.block_workspace
    workspace.set_live(True)
    before = {o.id for o in block_observations(session.vault, block_id)}
    press_live_key(qtbot, workspace, Qt.Key.Key_A)
    new = [o for o in block_observations(session.vault, block_id) if o.id not in before]
    assert [(o.partner, o.stance) for o in new] == [(PartnerKey.A, Stance.ONE_UP)]

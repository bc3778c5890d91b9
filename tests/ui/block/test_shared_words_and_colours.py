"""The block workspace shows the vocabulary's words, one partner colour, and the theme's red."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from crucible.app.domain.vocabulary import (
    BLOCK_KIND_LABELS,
    BOUNDARY_LABELS,
    DEFAULT_PARTNER_COLOURS,
    STANCE_SHORT,
    STRATEGY_LABELS,
    STRATEGY_SHORT,
    BlockKind,
    Boundary,
    PartnerKey,
    Stance,
    Strategy,
    partner_colour,
)
from crucible.app.ui.block.block_controller import BlockController
from crucible.app.ui.block.live_figures import ROW_LABELS
from crucible.app.ui.shell.theme import ERROR_COLOURS


@pytest.fixture
def dark() -> Iterator[None]:
    app = QApplication.instance()
    assert app is not None
    before = app.property("crucibleScheme")
    app.setProperty("crucibleScheme", "dark")
    yield
    app.setProperty("crucibleScheme", before)


def test_every_word_has_its_label() -> None:
    assert set(STANCE_SHORT) == set(Stance)
    assert set(STRATEGY_LABELS) == set(STRATEGY_SHORT) == set(Strategy)
    assert set(BOUNDARY_LABELS) == set(Boundary)
    assert set(BLOCK_KIND_LABELS) == set(BlockKind)
    assert ROW_LABELS[1:4] == tuple(STANCE_SHORT[s] for s in Stance)


def test_a_partner_without_a_colour_gets_the_one_default() -> None:
    assert partner_colour("A", "") == DEFAULT_PARTNER_COLOURS[PartnerKey.A]
    assert partner_colour(PartnerKey.B, None) == DEFAULT_PARTNER_COLOURS[PartnerKey.B]
    assert partner_colour("A", "#123456") == "#123456"


def test_the_pads_error_takes_the_themes_colour(workspace: BlockController, dark: None) -> None:
    """In dark mode the message is the dark palette's error colour, not a fixed red."""
    workspace.pad.show_error("The vault could not be written.")
    assert ERROR_COLOURS["dark"] in workspace.pad.view.message.styleSheet()
    workspace.pad.show_error("")
    assert workspace.pad.view.message.styleSheet() == ""

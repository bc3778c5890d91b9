"""The pad's key caps follow the theme: readable after a switch to dark and back."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from crucible.app.domain.vocabulary import PartnerKey
from crucible.app.ui.block import BlockController
from crucible.app.ui.block.observation_pad_view import KeyCap
from crucible.app.ui.shell.theme import apply_theme


def _contrast(cap: KeyCap) -> int:
    """Lightness between a cap's key text and its face, as drawn now."""
    text = cap.key_label.palette().color(cap.key_label.foregroundRole())
    face = cap.palette().color(QPalette.ColorRole.Button)
    return abs(text.lightness() - face.lightness())


def test_the_caps_stay_readable_when_the_theme_changes(
    qtbot: Any, workspace: BlockController
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style, palette = app.style().name(), app.palette()
    caps = [*workspace.view.pad.stance_caps[PartnerKey.A], *workspace.view.pad.caps]
    assert caps
    assert all(cap.styleSheet() == "" for cap in caps)  # a sheet would pin the light colours
    try:
        for theme in ("dark", "light"):
            apply_theme(app, theme)
            qtbot.wait(10)
            assert min(_contrast(cap) for cap in caps) > 100, theme
            stance = workspace.view.pad.stance_caps[PartnerKey.A][0]
            assert stance.outline is not None  # the partner's colour rings it
            workspace.view.pad.grab()  # painted without error
    finally:
        app.setStyle(style)
        app.setPalette(palette)


def test_the_chart_follows_a_theme_switched_while_the_app_runs(
    qtbot: Any, workspace: BlockController
) -> None:
    """Its background, axes and day labels take the new palette; its points stay drawn."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style, palette = app.style().name(), app.palette()
    timeline = workspace.view.timeline
    timeline.ensure_plot()
    points = len(timeline._dynamic[f"points-{PartnerKey.A}"].data)
    try:
        for theme, dark in (("dark", True), ("light", False)):
            apply_theme(app, theme)
            qtbot.wait(10)
            background = timeline.plot.backgroundBrush().color()
            assert (background.lightness() < 128) is dark, theme
            assert background == timeline.palette().color(QPalette.ColorRole.Base)
            axis = timeline.plot.getPlotItem().getAxis("bottom")
            assert axis.textPen().color() == timeline.palette().color(QPalette.ColorRole.WindowText)
            assert len(timeline._dynamic[f"points-{PartnerKey.A}"].data) == points
    finally:
        app.setStyle(style)
        app.setPalette(palette)

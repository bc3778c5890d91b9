"""Light and dark looks: the Fusion style with an explicit palette, or the system's choice.

Fusion draws the same on every platform and honours a palette fully, so a
dark palette gives a readable dark mode even where the platform theme has
none. "system" follows the colour scheme the platform reports, live.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#26282b",
    QPalette.ColorRole.WindowText: "#e8e8e8",
    QPalette.ColorRole.Base: "#1d1f21",
    QPalette.ColorRole.AlternateBase: "#2b2e31",
    QPalette.ColorRole.ToolTipBase: "#33363a",
    QPalette.ColorRole.ToolTipText: "#f0f0f0",
    QPalette.ColorRole.PlaceholderText: "#9a9ea3",
    QPalette.ColorRole.Text: "#ececec",
    QPalette.ColorRole.Button: "#303336",
    QPalette.ColorRole.ButtonText: "#ececec",
    QPalette.ColorRole.BrightText: "#ff6b6b",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7fb2ff",
    QPalette.ColorRole.LinkVisited: "#b59cff",
    QPalette.ColorRole.Mid: "#45484c",
    QPalette.ColorRole.Dark: "#191a1c",
    QPalette.ColorRole.Light: "#3a3d41",
    QPalette.ColorRole.Midlight: "#34373a",
    QPalette.ColorRole.Shadow: "#0c0c0d",
}
_DARK_DISABLED = {
    QPalette.ColorRole.WindowText: "#7d8186",
    QPalette.ColorRole.Text: "#7d8186",
    QPalette.ColorRole.ButtonText: "#7d8186",
    QPalette.ColorRole.Highlight: "#3b4048",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f3f3f2",
    QPalette.ColorRole.WindowText: "#1c1c1c",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f6f6f5",
    QPalette.ColorRole.ToolTipBase: "#ffffe8",
    QPalette.ColorRole.ToolTipText: "#1c1c1c",
    QPalette.ColorRole.PlaceholderText: "#73777c",
    QPalette.ColorRole.Text: "#1c1c1c",
    QPalette.ColorRole.Button: "#ebebea",
    QPalette.ColorRole.ButtonText: "#1c1c1c",
    QPalette.ColorRole.BrightText: "#b00020",
    QPalette.ColorRole.Highlight: "#2f6fce",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#1f5fbf",
    QPalette.ColorRole.LinkVisited: "#6a3fb5",
}
_LIGHT_DISABLED = {
    QPalette.ColorRole.WindowText: "#8a8d91",
    QPalette.ColorRole.Text: "#8a8d91",
    QPalette.ColorRole.ButtonText: "#8a8d91",
}

# Colours for messages, readable on both palettes.
ERROR_COLOURS = {"light": "#a4161a", "dark": "#ff8a80"}


def _palette(
    base: dict[QPalette.ColorRole, str], disabled: dict[QPalette.ColorRole, str]
) -> QPalette:
    palette = QPalette()
    for role, colour in base.items():
        palette.setColor(role, QColor(colour))
    for role, colour in disabled.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def resolved_scheme(theme: str) -> str:
    """'light' or 'dark': the theme setting, with "system" asked of the platform."""
    if theme in ("light", "dark"):
        return theme
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def apply_theme(app: QApplication, theme: str) -> str:
    """Apply Fusion with the palette for `theme`; returns the scheme used."""
    scheme = resolved_scheme(theme)
    app.setStyle("Fusion")
    if scheme == "dark":
        app.setPalette(_palette(_DARK, _DARK_DISABLED))
    else:
        app.setPalette(_palette(_LIGHT, _LIGHT_DISABLED))
    app.setProperty("crucibleScheme", scheme)
    return scheme


def error_colour(app: QApplication | None = None) -> str:
    """The colour for error text under the current scheme (light before a theme is applied).

    Every error message takes its colour from here, so it stays readable in
    dark mode; `app` defaults to the running application.
    """
    current = app if app is not None else QApplication.instance()
    scheme = str(current.property("crucibleScheme") or "light") if current is not None else "light"
    return ERROR_COLOURS.get(scheme, ERROR_COLOURS["light"])

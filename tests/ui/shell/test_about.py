"""Help › About through the real menu, and the app's icon from the package data."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from crucible.app.ui.shell.about_dialog import AboutDialog
from crucible.app.ui.shell.app_icon import ICON_SIZES, app_icon
from crucible.app.ui.shell.launch import Desktop
from tests.ui.shell.test_diagnostics import _menu_action


def _about(qtbot: Any, desktop: Desktop) -> AboutDialog:
    action = _menu_action(desktop, "&Help", "&About Crucible")
    assert action.isEnabled()  # locked or not: it holds no client text
    action.trigger()
    qtbot.waitUntil(lambda: desktop.window.findChild(AboutDialog) is not None)
    dialog = desktop.window.findChild(AboutDialog)
    assert isinstance(dialog, AboutDialog)
    return dialog


def test_about_names_the_installed_version_and_the_vault_folder(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """The version is the distribution's, as pip installed it; the folder is this vault's."""
    dialog = _about(qtbot, start_desktop(demo_vault))
    assert dialog.isVisible()
    assert dialog.version.text() == f"<b>Crucible {installed_version('crucible')}</b>"
    assert str(demo_vault) in dialog.vault.text()
    dialog.close()


def test_about_lists_the_licences_that_ship(
    qtbot: Any, demo_vault: Path, start_desktop: Callable[..., Desktop]
) -> None:
    """Crucible's, Qt's LGPL notice, each library with its version, and the fonts' texts."""
    dialog = _about(qtbot, start_desktop(demo_vault))
    text = dialog.licences.toPlainText()
    assert "Licence: Proprietary" in text
    assert "GNU Lesser General Public License version 3" in text
    for library in ("PySide6", "SQLAlchemy", "sqlcipher3", "reportlab", "pikepdf"):
        assert library.lower() in text.lower(), library
    assert f"SQLAlchemy\n{installed_version('SQLAlchemy')}\nMIT" in text
    assert "Zlib" in text  # sqlcipher3 states its licence only as a file
    assert "Bitstream Vera" in text  # LICENSE-DejaVu.txt, read from the package data
    assert "SIL OPEN FONT LICENSE" in text.upper()
    assert "George Douros" in text
    assert "not stated in its metadata" not in text
    dialog.close()


def test_the_icon_ships_at_every_size(qapp: QApplication) -> None:
    """Read from resources/icons as package data; each size is a real picture."""
    icon = app_icon()
    assert not icon.isNull()
    sizes = sorted(size.width() for size in icon.availableSizes())
    assert sizes == sorted(ICON_SIZES)
    assert not icon.pixmap(48, 48).toImage().isNull()

"""The app's icon, drawn from the PNGs in resources/icons (rendered from crucible.svg).

Read as bytes through the package data, so an installed wheel and the
desktop bundle find it without a path into the source tree. Set once on the
QApplication: every window and dialog, and the task bar, take it from there.
"""

from __future__ import annotations

from PySide6.QtGui import QIcon, QPixmap

from crucible.app.domain.resource_files import resource

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """Crucible's icon at every size it ships in."""
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap()
        if not pixmap.loadFromData(resource("icons", f"crucible-{size}.png").read_bytes()):
            raise RuntimeError(f"the packaged icon crucible-{size}.png could not be read")
        icon.addPixmap(pixmap)
    return icon

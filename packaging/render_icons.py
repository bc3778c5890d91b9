"""Render resources/icons/crucible.svg to the PNG sizes the window, the bundle and .desktop use.

Run after editing the SVG: `.venv/bin/python packaging/render_icons.py`. Qt's own
SVG renderer draws them, so no other tool is needed; the PNGs are committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    """Write crucible-<size>.png beside the SVG for every size in SIZES."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv)
    renderer = QSvgRenderer(str(ICONS / "crucible.svg"))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(ICONS / f"crucible-{size}.png"))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())

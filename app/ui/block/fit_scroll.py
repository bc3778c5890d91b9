"""A scroll area that scrolls only outside live mode: live, it claims its content's whole size.

The pad and the live summary need about 560 px of height. On a 720 px
screen, outside live mode (navigator and block form showing) that room is
not there, and a scroll bar on the pad column is better than a main window
taller than the screen. In live mode the navigator and the form step aside;
then the column must show everything without scrolling, so it asks the
layout for its content's full minimum size, even when the content grows
(the summary's numbers widen as the day fills up).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FitScroll(QScrollArea):
    """`QScrollArea` with `fit_content`: on, its minimum size is its content's; no scroll bars."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(content)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no extra Tab stop; the pad takes focus
        self.fit_content = False

    def set_fit_content(self, on: bool) -> None:
        """Claim the content's whole size (live) or let it scroll (not live)."""
        self.fit_content = on
        bars = Qt.ScrollBarPolicy
        policy = bars.ScrollBarAlwaysOff if on else bars.ScrollBarAsNeeded
        self.setHorizontalScrollBarPolicy(policy)
        self.setVerticalScrollBarPolicy(policy)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        """While fitting, the content's minimum plus this frame's margins."""
        content = self.widget()
        if not self.fit_content or content is None:
            return super().minimumSizeHint()
        margins = self.contentsMargins()
        return content.minimumSizeHint() + QSize(
            margins.left() + margins.right(), margins.top() + margins.bottom()
        )

    def event(self, event: QEvent) -> bool:
        """The content asked for a new layout (its minimum may have grown): tell ours."""
        if event.type() == QEvent.Type.LayoutRequest and self.fit_content:
            self.updateGeometry()
        return super().event(event)

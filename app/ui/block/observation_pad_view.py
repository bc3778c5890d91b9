"""The observation pad's widgets: the live switch and banner, key caps, the inline details row.

Every key cap shows its key in large type above what it does, so a glance
(or none, once learned) is enough; the same caps are buttons for the mouse
and touch. The partner rows carry the partners' colours.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from crucible.app.domain.vocabulary import (
    BOUNDARY_LABELS,
    STANCE_SHORT,
    STRATEGY_SHORT,
    Boundary,
    PartnerKey,
    Stance,
    Strategy,
)
from crucible.app.ui.block.keymap import (
    LIVE_TOGGLE_KEYS,
    KeyMap,
    LiveAction,
    LogStance,
    OpenDetails,
    SetIntensity,
    ToggleBoundary,
    ToggleStrategy,
)

LIVE_RED = "#c62828"
DETAIL_FIELDS = (
    ("trigger", "Tri&gger"),
    ("quote", "&Quote"),
    ("intervention", "Inte&rvention"),
    ("response", "Res&ponse"),
    ("note", "&Note"),
)


class KeyCap(QPushButton):
    """A button that shows its live key large and its meaning small underneath.

    Follow-up caps are checkable: checked, they say "the last observation has
    this" (its intensity, strategies, boundary), so a glance confirms a key.
    """

    def __init__(self, key: str, meaning: str, action: LiveAction, *, wide: bool = False) -> None:
        super().__init__()
        self.action = action
        self.key_text = key
        self.meaning = meaning
        self.setAccessibleName(f"{meaning or key} (key {key})")
        self.setToolTip(f"{meaning} — key {key}" if meaning else f"Key {key}")
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setMinimumHeight(50 if meaning else 40)
        self.setMinimumWidth(96 if wide else 46)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 3, 4, 3)
        layout.setSpacing(0)
        self.key_label = self._label(key, 5, bold=True)
        layout.addWidget(self.key_label)
        self.meaning_label = self._label(meaning, 0, bold=False)
        self.meaning_label.setVisible(bool(meaning))
        layout.addWidget(self.meaning_label)
        self.outline: QColor | None = None
        """The partner's colour round a stance cap; None: the theme's."""
        self.toggled.connect(self._recolour)

    def _label(self, text: str, delta: int, *, bold: bool) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        label.setForegroundRole(QPalette.ColorRole.ButtonText)
        font = QFont(label.font())
        font.setBold(bold)
        font.setPointSize(font.pointSize() + delta)
        label.setFont(font)
        return label

    def sizeHint(self) -> QSize:
        """Room for both lines."""
        key, meaning = self.key_label.sizeHint(), self.meaning_label.sizeHint()
        width = max(key.width(), meaning.width() if self.meaning else 0) + 16
        return QSize(width, key.height() + (meaning.height() if self.meaning else 0) + 8)

    def _recolour(self, checked: bool) -> None:
        role = QPalette.ColorRole.HighlightedText if checked else QPalette.ColorRole.ButtonText
        for label in (self.key_label, self.meaning_label):
            label.setForegroundRole(role)

    def set_outline(self, colour: str | None) -> None:
        """Ring the cap in a partner's colour (None: the theme's)."""
        self.outline = QColor(colour) if colour else None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """The cap drawn from the palette, not a style sheet, so it follows the theme.

        A style sheet fixes a button's colours when it is applied: after a
        switch to the dark theme the stance caps kept the light theme's dark
        text on the dark pad, unreadable.
        """
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 2.0 if self.outline is not None else 1.0
        box = QRectF(self.rect()).adjusted(width / 2, width / 2, -width / 2, -width / 2)
        if self.isChecked():
            fill = edge = palette.color(QPalette.ColorRole.Highlight)
        else:
            fill = palette.color(
                QPalette.ColorRole.Midlight if self.isDown() else QPalette.ColorRole.Button
            )
            edge = self.outline or palette.color(QPalette.ColorRole.Mid)
        painter.setBrush(fill)
        painter.setPen(QPen(edge, width))
        painter.drawRoundedRect(box, 5, 5)
        if self.hasFocus():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            focus = palette.color(QPalette.ColorRole.Highlight)
            painter.setPen(QPen(focus, 1, Qt.PenStyle.DotLine))
            painter.drawRoundedRect(box.adjusted(3, 3, -3, -3), 3, 3)
        painter.end()


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setAccessibleName(text)
    return label


class ObservationPadView(QFrame):
    """Live switch, banner, the six stance caps, follow-up caps, last line, details row."""

    def __init__(self, key_map: KeyMap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("observationPad")
        self.setAccessibleName("Observation pad")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)  # compact: pad and summary must fit a 720-pixel screen while live

        # The switch and, beside it, either the state line or (live) the red banner:
        # one row, so going live does not push the caps down.
        top = QHBoxLayout()
        self.live_button = QPushButton(f"Go &live  ({LIVE_TOGGLE_KEYS[0]})")
        self.live_button.setCheckable(True)
        self.live_button.setAccessibleName("Live mode")
        self.live_button.setMinimumHeight(34)
        top.addWidget(self.live_button)
        self.state_line = QLabel("Not live: keys type normally.")
        self.state_line.setAccessibleName("Live mode state")
        self.state_line.setWordWrap(True)
        top.addWidget(self.state_line, 1)
        self.banner = QLabel(f"●  LIVE — single keys log · {LIVE_TOGGLE_KEYS[0]} stops")
        self.banner.setAccessibleName("Live mode is on")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setMinimumWidth(60)
        self.banner.setStyleSheet(
            f"background: {LIVE_RED}; color: white; font-weight: bold; font-size: 13pt;"
            "padding: 4px; border-radius: 4px;"
        )
        self.banner.hide()
        top.addWidget(self.banner, 1)
        layout.addLayout(top)

        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        self.caps: list[KeyCap] = []
        self.partner_labels: dict[PartnerKey, QLabel] = {}
        self.stance_caps: dict[PartnerKey, list[KeyCap]] = {}
        # No column heads: every stance cap names its stance under its key.
        for row, partner in enumerate(PartnerKey):
            label = QLabel(f"Partner {partner}")
            label.setAccessibleName(f"Partner {partner}")
            label.setMinimumWidth(60)  # a long name is cut rather than widening the pad
            font = QFont(label.font())
            font.setBold(True)
            font.setPointSize(font.pointSize() + 2)
            label.setFont(font)
            grid.addWidget(label, row, 0)
            self.partner_labels[partner] = label
            self.stance_caps[partner] = []
            for column, stance in enumerate(Stance, start=1):
                action = LogStance(partner, stance)
                cap = self._cap(key_map, action, STANCE_SHORT[stance], wide=True)
                cap.setMinimumHeight(52)
                grid.addWidget(cap, row, column)
                self.stance_caps[partner].append(cap)
        layout.addLayout(grid)

        layout.addLayout(
            self._row(
                "Intensity",
                [self._cap(key_map, SetIntensity(v), "") for v in range(1, 6)],
            )
        )
        layout.addLayout(
            self._row(
                "Strategy",
                [self._cap(key_map, ToggleStrategy(s), STRATEGY_SHORT[s]) for s in Strategy],
            )
        )
        details_cap = self._cap(key_map, OpenDetails(), "Details…")
        layout.addLayout(
            self._row(
                "Boundary",
                [
                    *(self._cap(key_map, ToggleBoundary(b), BOUNDARY_LABELS[b]) for b in Boundary),
                    details_cap,
                ],
            )
        )

        self.last_line = QLabel()
        self.last_line.setAccessibleName("Last observation")
        # Fixed height, ignored width: a new text must not re-lay out the pad on every key.
        self.last_line.setWordWrap(True)
        self.last_line.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.last_line.setTextFormat(Qt.TextFormat.PlainText)
        last_font = QFont(self.last_line.font())
        last_font.setPointSize(last_font.pointSize() + 2)
        last_font.setBold(True)
        self.last_line.setFont(last_font)
        self.last_line.setFixedHeight(2 * QFontMetrics(last_font).lineSpacing() + 4)
        layout.addWidget(self.last_line)
        self.message = QLabel()
        self.message.setAccessibleName("Pad message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.details = self._details_row()
        layout.addWidget(self.details)
        layout.addStretch(1)

    def _cap(
        self, key_map: KeyMap, action: LiveAction, meaning: str, *, wide: bool = False
    ) -> KeyCap:
        cap = KeyCap(key_map.key_for(action) or "·", meaning, action, wide=wide)
        if isinstance(action, SetIntensity | ToggleStrategy | ToggleBoundary):
            cap.setCheckable(True)
        self.caps.append(cap)
        return cap

    def show_refinements(
        self, intensity: int | None, strategies: set[Strategy], boundary: Boundary | None
    ) -> None:
        """Check the follow-up caps that describe the last observation (none: all unchecked)."""
        for cap in self.caps:
            action = cap.action
            if isinstance(action, SetIntensity):
                cap.setChecked(action.value == intensity)
            elif isinstance(action, ToggleStrategy):
                cap.setChecked(action.strategy in strategies)
            elif isinstance(action, ToggleBoundary):
                cap.setChecked(action.boundary == boundary)

    @staticmethod
    def _row(title: str, caps: list[KeyCap]) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(4)
        label = _caption(title)
        label.setMinimumWidth(64)
        row.addWidget(label)
        for cap in caps:
            row.addWidget(cap)
        row.addStretch(1)
        return row

    def _details_row(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("detailsRow")
        frame.setAccessibleName("Details of the last observation")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(frame)
        form.setContentsMargins(8, 6, 8, 6)
        self.details_title = QLabel()
        self.details_title.setAccessibleName("Observation being detailed")
        self.details_title.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(self.details_title)
        self.detail_fields: dict[str, QLineEdit] = {}
        for name, text in DETAIL_FIELDS:
            field = QLineEdit()
            field.setAccessibleName(text.replace("&", ""))
            label = QLabel(text + ":")
            label.setBuddy(field)
            label.setAccessibleName(text.replace("&", ""))
            form.addRow(label, field)
            self.detail_fields[name] = field
        hint = QLabel("Enter: next field, and saves on the last · Esc: save and close")
        hint.setAccessibleName("How to leave the details row")
        hint.setEnabled(False)
        form.addRow(hint)
        frame.hide()
        return frame

    def show_live(self, live: bool) -> None:
        """Show whether live mode is on: the switch, and the banner in place of the state line."""
        self.banner.setVisible(live)
        self.state_line.setVisible(not live)
        self.live_button.setChecked(live)
        self.live_button.setText(
            f"Stop &live  ({LIVE_TOGGLE_KEYS[0]})" if live else f"Go &live  ({LIVE_TOGGLE_KEYS[0]})"
        )

    def show_partners(self, partners: dict[PartnerKey, tuple[str, str]]) -> None:
        """Name the partner rows and colour their caps: key -> (name, colour)."""
        for key, (name, colour) in partners.items():
            self.partner_labels[key].setText(f"{name} ({key})" if name else f"Partner {key}")
            self.partner_labels[key].setStyleSheet(f"color: {colour};")
            for cap in self.stance_caps[key]:
                cap.set_outline(colour)

"""Live mode: single keys log observations, and only while live, and never into a text field.

The keys are caught by an application event filter installed only while
live mode is on, so outside it every key reaches whatever has focus and
typing a note can never log anything. Even in live mode, a key goes to the
focused widget when that widget takes text (the note, the details row, a
cell editor), when it carries Ctrl/Alt/Meta (Ctrl+Z must still undo), when
it is an auto-repeat (a held key must not log thirty observations), or when
it is meant for another window (a dialog).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import BOUNDARY_LABELS, STANCE_SHORT, STRATEGY_LABELS
from crucible.app.ui.block.keymap import (
    KeyMap,
    LiveAction,
    LogStance,
    OpenDetails,
    SetIntensity,
    ToggleBoundary,
    ToggleStrategy,
)
from crucible.app.ui.block.observation_actions import ObservationActions
from crucible.app.ui.block.observation_pad_view import DETAIL_FIELDS, ObservationPadView
from crucible.app.ui.shell import theme

_TEXT = QPalette.ColorRole.WindowText

_BLOCKING_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


def takes_text(widget: QWidget | None) -> bool:
    """Whether typing into this widget writes text (so live keys must leave it alone)."""
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return not widget.isReadOnly()  # a read-only view takes no typing: live keys may log
    if isinstance(widget, QAbstractSpinBox):
        return True
    return isinstance(widget, QComboBox) and widget.isEditable()


def describe(observation: Observation, name: str) -> str:
    """One line about an observation, as the pad's "last" line shows it."""
    parts = [
        observation.at.strftime("%H:%M:%S"),
        name,
        STANCE_SHORT[observation.stance],
        f"intensity {observation.intensity}",
    ]
    if observation.boundary is not None:
        parts.append(BOUNDARY_LABELS[observation.boundary])
    parts.extend(STRATEGY_LABELS[s] for s in observation.strategies)
    return " · ".join(parts)


class ObservationPad(QObject):
    """Turns keys and key caps into observations through `ObservationActions`."""

    live_changed = Signal(bool)

    def __init__(
        self,
        view: ObservationPadView,
        actions: ObservationActions,
        key_map: KeyMap,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.actions = actions
        self.key_map = key_map
        self.live = False
        self.names: dict[str, str] = {}
        self.colours: dict[str, str] = {}
        self._details_id: int | None = None
        for cap in view.caps:
            cap.clicked.connect(lambda _checked=False, a=cap.action: self.perform(a))
        view.live_button.toggled.connect(self.set_live)
        actions.changed.connect(self.show_last)
        actions.failed.connect(self.show_error)
        actions.waiting.connect(self.show_waiting)
        actions.logged.connect(lambda _id: self.show_error(""))
        fields = list(view.detail_fields.values())
        for index, field in enumerate(fields):
            nxt = fields[index + 1] if index + 1 < len(fields) else None
            field.returnPressed.connect(
                lambda nxt=nxt: nxt.setFocus() if nxt is not None else self.close_details()
            )
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), view.details)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_details)

    # ------------------------------------------------------------------ live mode

    def set_live(self, live: bool) -> None:
        """Switch live mode; going live moves focus to the pad so the keys log at once."""
        if live == self.live:
            self.view.show_live(live)
            return
        self.live = live
        app = QApplication.instance()
        if app is not None:
            if live:
                app.installEventFilter(self)
            else:
                app.removeEventFilter(self)
        self.view.show_live(live)
        if live:
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.live_changed.emit(live)

    def toggle_live(self) -> None:
        """Live on if off, off if on."""
        self.set_live(not self.live)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Catch live keys meant for the workspace's window; let everything else through."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.isAutoRepeat() or event.modifiers() & _BLOCKING_MODIFIERS:
            return False
        action = self.key_map.action_for(event.key())
        if action is None or not isinstance(watched, QWidget):
            return False
        if watched.window() is not self.view.window() or not self.view.isVisible():
            return False
        if takes_text(QApplication.focusWidget()) or takes_text(watched):
            return False
        self.perform(action)
        return True

    # ------------------------------------------------------------------ actions

    def perform(self, action: LiveAction) -> None:
        """Do what a key or key cap stands for."""
        self.actions.services.input_arrived()  # an import under way steps aside meanwhile
        if isinstance(action, LogStance):
            self.actions.log(action.partner, action.stance)
        elif not isinstance(action, OpenDetails) and self.actions.last() is None:
            self.show_error("Log an observation first: follow-up keys refine the one just logged.")
        elif isinstance(action, SetIntensity):
            self.actions.set_intensity(action.value)
        elif isinstance(action, ToggleStrategy):
            self.actions.toggle_strategy(action.strategy)
        elif isinstance(action, ToggleBoundary):
            self.actions.toggle_boundary(action.boundary)
        elif isinstance(action, OpenDetails):
            self.open_details()
        self.show_last()  # a clicked cap's checked state must follow the record, not the click

    def open_details(self) -> None:
        """Open the inline row for the last observation's free text, focused on the trigger."""
        last = self.actions.last()
        if last is None:
            self.show_error("Log an observation first: the details belong to it.")
            return
        self._details_id = last.id
        self.view.details_title.setText(describe(last, self.names.get(last.partner, "")))
        for name, field in self.view.detail_fields.items():
            field.setText(getattr(last, name))
        self.view.details.show()
        self.view.detail_fields[DETAIL_FIELDS[0][0]].setFocus()

    def close_details(self) -> None:
        """Save what was typed (one undoable edit) and close the row; focus returns to the pad."""
        if not self.view.details.isVisible():
            return
        record, wanted = self.actions.record, self._details_id
        target = record.get(wanted) if record is not None and wanted is not None else None
        if target is not None:
            values = {name: field.text() for name, field in self.view.detail_fields.items()}
            changed = {k: v for k, v in values.items() if getattr(target, k) != v}
            if changed:
                after = dataclasses.replace(target, **changed)  # type: ignore[arg-type]
                self.actions.edit(target, after, "add details")
        self.hide_details()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def hide_details(self) -> None:
        """Close the row without saving, and empty it."""
        self._details_id = None
        for field in self.view.detail_fields.values():
            field.clear()
        self.view.details_title.clear()
        self.view.details.hide()

    # ------------------------------------------------------------------ feedback

    def show_last(self) -> None:
        """Say what the last observation is now, so a glance confirms the key landed."""
        last = self.actions.latest()
        if last is None:
            self.view.last_line.setText("No observation yet in this block.")
            self._colour_last_line("")
            self.view.show_refinements(None, set(), None)
            return
        label = "Last" if last is self.actions.last() else "Latest in this block"
        name = self.names.get(last.partner, "")
        self.view.last_line.setText(f"{label}: {describe(last, name)}")
        self._colour_last_line(self.colours.get(last.partner, ""))
        if last is self.actions.last():
            self.view.show_refinements(last.intensity, set(last.strategies), last.boundary)
        else:  # follow-up keys refine only what was logged since opening the block
            self.view.show_refinements(None, set(), None)

    def _colour_last_line(self, colour: str) -> None:
        """The last line in the partner's colour ("" for the default), through its palette.

        A style sheet would re-polish the label on every key whose partner differs from
        the last one's, and lay out the pad again; a palette change only repaints it.
        """
        label = self.view.last_line
        if not colour:
            if label.testAttribute(Qt.WidgetAttribute.WA_SetPalette):
                label.setPalette(QPalette())  # back to the inherited colours
            return
        if label.palette().color(_TEXT) != QColor(colour):
            palette = label.palette()
            palette.setColor(_TEXT, QColor(colour))
            label.setPalette(palette)

    def show_error(self, sentence: str) -> None:
        """Show (or with "", hide) a message under the caps."""
        if not sentence and not self.view.message.text() and not self.view.message.styleSheet():
            return  # every key clears it: re-polishing an empty label would cost each key
        self.view.message.setText(sentence)
        self.view.message.setStyleSheet(
            f"color: {theme.error_colour()}; font-weight: bold;" if sentence else ""
        )
        self.view.message.setVisible(bool(sentence))

    def show_waiting(self, sentence: str) -> None:
        """Say (plainly, not as an error) that the keys' writes wait for a longer one."""
        if not sentence and self.view.message.styleSheet():
            return  # an error shown meanwhile stays until the next key
        self.view.message.setText(sentence)
        self.view.message.setStyleSheet("")
        self.view.message.setVisible(bool(sentence))

    def clear(self) -> None:
        """Leave live mode and drop every client string from the pad."""
        self.set_live(False)
        self.hide_details()
        self.view.last_line.clear()
        self._colour_last_line("")
        self.view.show_refinements(None, set(), None)
        self.show_error("")
        self.names, self.colours = {}, {}
        for label in self.view.partner_labels.values():
            label.clear()

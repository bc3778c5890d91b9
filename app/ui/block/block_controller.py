"""The block workspace: one widget that the main window shows for the selected block.

It owns the parts (pad, table, timeline, summary, note) and the one path by
which observations change (`ObservationActions`), and offers the main window
four things: `show_block`, `save_pending` (before a block switch, a lock or
quit), `clear` (at lock: no client text left in any widget) and the
`live_mode_changed` signal. Everything it uses is passed in: the services
facade, the flip window, the key map, the clock and a timer factory, so
tests run it on a real vault with a fake clock and timers they fire.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeySequence,
    QPalette,
    QShortcut,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import QVBoxLayout, QWidget

from crucible.app.domain.figures import PartnerFigures
from crucible.app.domain.flips import DEFAULT_FLIP_WINDOW_S
from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import BLOCK_KIND_LABELS, PartnerKey
from crucible.app.services.clock import system_clock
from crucible.app.services.errors import VaultError
from crucible.app.ui.block.block_clock import BlockClock
from crucible.app.ui.block.block_record import BlockRecord, newest_of
from crucible.app.ui.block.block_run import BlockRun
from crucible.app.ui.block.block_services import BlockServices
from crucible.app.ui.block.block_status import BlockStatus
from crucible.app.ui.block.block_view import BlockView
from crucible.app.ui.block.figure_tally import OpenBlockTally, Tally, figures_of, total
from crucible.app.ui.block.intensive_rest import IntensiveRest, read_rest
from crucible.app.ui.block.keymap import DEFAULT_KEY_MAP, LIVE_TOGGLE_KEYS, KeyMap
from crucible.app.ui.block.live_figures import LiveFigures
from crucible.app.ui.block.note_editor import NoteEditor
from crucible.app.ui.block.observation_actions import ObservationActions
from crucible.app.ui.block.observation_pad import ObservationPad
from crucible.app.ui.block.observation_table import ObservationTable
from crucible.app.ui.block.observation_table_model import ObservationTableModel
from crucible.app.ui.block.timeline_data import TimelineData, open_block
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.shell.vault_gateway import error_sentence

TimerFactory = Callable[[str], QTimer]
SUMMARY_DELAY_MS = 150
REST_FALLBACK_MS = 200
"""When the rest of the intensive is read if no paint came first (a workspace not on screen)."""


def real_timer(_name: str) -> QTimer:
    """The production timer factory: a plain QTimer (tests pass one they can fire)."""
    return QTimer()


class BlockController(QWidget):
    """Header, observation pad, timeline, live summary, observation table and note of one block.

    Args:
        services: The use-cases over the unlocked vault (see `BlockServices`).
        flip_window_s: The flip window setting, for the timeline and summary.
        key_map: The live keys.
        clock: Wall-clock time, for observations and the block clock.
        timer_factory: Makes the autosave, summary and block-clock timers by name.
        background: The app's one background helper (made by the composition root):
            note autosaves and live keys that find the vault's writer taken queue
            on its writer lane.
        parent: The Qt parent.
    """

    live_mode_changed = Signal(bool)
    status_changed = Signal(object)
    """A `BlockStatus`: the open block's observation count, signature or addenda moved."""
    block_opened = Signal()
    """A block is on screen and its whole intensive loaded (the memory policy listens: it
    freezes what is alive then, so it waits for the other blocks read after the first paint)."""
    summary_ready = Signal()
    """The day and intensive figures have been recomputed (they come a slice at a time)."""
    intensive_loaded = Signal()
    """The other blocks' observations arrived after the open block's first paint."""

    def __init__(
        self,
        services: BlockServices,
        *,
        flip_window_s: int = DEFAULT_FLIP_WINDOW_S,
        key_map: KeyMap = DEFAULT_KEY_MAP,
        clock: Callable[[], datetime] = system_clock,
        timer_factory: TimerFactory = real_timer,
        background: BackgroundWork,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Block workspace")
        self.services = services
        self.flip_window_s = flip_window_s
        self.intensive_id: int | None = None
        self.record: BlockRecord | None = None
        self.figures: LiveFigures | None = None
        self.timeline = TimelineData(flip_window_s)
        self.view = BlockView(key_map, self.timeline)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)

        self.undo_stack = QUndoStack(self)
        self.table_model = ObservationTableModel(self)
        self.observations = ObservationActions(
            services, self.table_model, self.timeline, self.undo_stack, clock, self
        )
        self.pad = ObservationPad(self.view.pad, self.observations, key_map, self)
        self.table = ObservationTable(self.view.table, self.table_model, self.observations.delete)
        self.background = background
        self.note = NoteEditor(self.view.note, services, self.background, timer_factory, self)
        self.clock = BlockClock(
            self.view.clock,
            self.view.clock_button,
            self.view.clock_reset,
            clock,
            timer_factory,
            self,
        )
        self.run = BlockRun(services, clock, self, self)
        self.observations.run = self.run
        self.observations.writes = self.background.scope()
        self._summary_generation = 0
        self._summary_steps: list[tuple[int, PartnerKey]] = []
        self._summary_figures: dict[tuple[PartnerKey, str], PartnerFigures] = {}
        self._open_tally: OpenBlockTally | None = None
        self._other_tallies: Mapping[tuple[int, PartnerKey], Tally] | None = None
        self._rest_wanted: BlockRecord | None = None  # opened, its rest not yet asked for
        self._rest_jobs = self.background.scope()
        self._rest_fallback = QTimer(self)
        self._rest_fallback.setSingleShot(True)
        self._rest_fallback.setInterval(REST_FALLBACK_MS)
        self._rest_fallback.timeout.connect(self._read_rest)
        for painted in (self.view.title, self.view.table.table.viewport()):
            painted.installEventFilter(self)
        self._summary_step = QTimer(self)  # zero-interval: the next slice after pending events
        self._summary_step.setSingleShot(True)
        self._summary_step.setInterval(0)
        self._summary_step.timeout.connect(self._next_summary_step)
        self.summary_timer = timer_factory("summary")
        self.summary_timer.setParent(self)
        self.summary_timer.setSingleShot(True)
        self.summary_timer.setInterval(SUMMARY_DELAY_MS)
        self.summary_timer.timeout.connect(self.refresh_summary)
        self._connect()

    def _connect(self) -> None:
        self.observations.changed.connect(self.view.timeline.redraw_current)
        self.observations.shown.connect(self._tally_change)
        self.observations.changed.connect(self.summary_timer.start)
        self.observations.logged.connect(self._reveal)
        self.observations.changed.connect(self._status_moved)
        self.note.state_changed.connect(self._status_moved)
        self.view.timeline.observation_clicked.connect(self.select_observation)
        self.pad.live_changed.connect(self._live_changed)
        self.view.tabs.currentChanged.connect(self._tab_changed)
        self.clock.running_changed.connect(self._clock_changed)
        self.run.changed.connect(self._run_changed)
        self.run.failed.connect(self.pad.show_error)
        for text in LIVE_TOGGLE_KEYS:
            shortcut = QShortcut(QKeySequence(text), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.pad.toggle_live)
        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (undo, redo):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.undo_action: QAction = undo
        self.redo_action: QAction = redo
        self.view.undo.clicked.connect(self.undo_stack.undo)
        self.view.redo.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.view.undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.view.redo.setEnabled)
        self.view.undo.setEnabled(False)
        self.view.redo.setEnabled(False)

    # ------------------------------------------------------------------ the API

    @property
    def live(self) -> bool:
        """Whether live mode is on."""
        return self.pad.live

    def set_live(self, live: bool) -> None:
        """Switch live mode on or off (F2 and the pad's switch do the same)."""
        self.pad.set_live(live)

    def show_block(self, intensive_id: int, block_id: int) -> None:
        """Open a block: its header, observations, timeline, summary and note."""
        self.save_pending()
        try:
            intensive = self.services.intensive_outline(intensive_id, block_id)
            record = BlockRecord(intensive, block_id, complete=False)
            note = self.services.note(block_id)
        except (VaultError, LookupError) as error:
            self.clear()
            self.view.title.setText(f"This block could not be opened. {error_sentence(error)}")
            return
        self.intensive_id, self.record, self.figures = intensive_id, record, None
        self._summary_generation += 1
        self._forget_rest()
        self.pad.hide_details()
        self.run.open(record, ending=self.live or self.clock.running, starting=self.live)
        self.observations.open(record)
        block = record.block()
        partners = {
            key: (record.partner(key).name, self._readable(record.partner_colour(key)))
            for key in PartnerKey
        }
        self.table_model.colours = {key: QColor(c) for key, (_n, c) in partners.items()}
        self.view.title.setText(block.title)
        self.view.kind.setText(f"{BLOCK_KIND_LABELS[block.kind]} · Day {record.day.number}")
        self.view.partners.setText(
            " &amp; ".join(
                f"<span style='color:{colour}; font-weight:bold'>{_escape(name)}</span>"
                for name, colour in partners.values()
            )
        )
        self.pad.names = {key: name for key, (name, _colour) in partners.items()}
        self.pad.colours = {key: colour for key, (_name, colour) in partners.items()}
        self.view.pad.show_partners(partners)
        self.view.summary.set_partners(partners)
        self.view.summary.set_day(record.day.number)
        self.view.timeline.show_partners(partners)
        self.view.timeline.redraw_all()
        self.table.show_partners({key: name for key, (name, _c) in partners.items()})
        self.pad.show_last()
        self.refresh_summary(block_only=True)
        self.summary_timer.start()  # day and intensive follow a moment later
        self.note.load(block_id, intensive_id, note, intensive.reflections)
        self.clock.reset()
        self._rest_wanted = record  # read once the block is painted (see eventFilter)
        self._rest_fallback.start()

    @property
    def intensive_complete(self) -> bool:
        """Whether the open block's day and intensive (other blocks' observations) are loaded."""
        return self.record is not None and self.record.complete

    def save_pending(self) -> None:
        """Flush the note draft now (block switch, lock, quit); observations are always saved."""
        self.note.save_pending()

    def clear(self) -> None:
        """Drop every piece of client text from every widget (at lock); stops live mode."""
        self.pad.clear()
        self.note.clear()
        self.summary_timer.stop()
        self._summary_generation += 1
        self._summary_steps.clear()
        self._summary_step.stop()
        self._forget_rest()
        self.run.clear()
        self.observations.open(None)
        self.intensive_id, self.record, self.figures = None, None, None
        self.view.timeline.clear()
        self.view.summary.clear()
        self.table.clear()
        for label in (self.view.title, self.view.kind, self.view.partners):
            label.clear()
        self.clock.reset()

    # ------------------------------------------------------------------ reactions

    def _readable(self, colour: str) -> str:
        """The partner's colour, lightened on a dark palette so names stay legible."""
        if self.palette().color(QPalette.ColorRole.Base).lightness() < 128:
            return QColor(colour).lighter(145).name()
        return colour

    def showEvent(self, event: QShowEvent) -> None:
        """Build the chart the first time the workspace is seen (pyqtgraph loads lazily)."""
        super().showEvent(event)
        self.view.timeline.ensure_plot()

    def refresh_summary(self, *, block_only: bool = False) -> None:
        """Show the block, day and intensive figures from the tallies.

        Nothing here rescans the intensive: the open block's tally is kept by
        the delta of each change (`_tally_change`, O(1) for a live key), the
        other blocks' are made once per opened block off the UI thread
        (`intensive_rest`), and the figures are their sums. Opening a block
        counts it once and shows its figures at once. A refresh (150 ms after
        the last change) runs one partner per turn of the event loop, so a key
        pressed meanwhile waits for one slice at most (docs/performance.md).
        """
        record = self.record
        if record is None:
            self.view.summary.show_figures(None)
            return
        if block_only:
            self._open_tally = OpenBlockTally(record.block(), self.flip_window_s)
            figures: dict[tuple[PartnerKey, str], PartnerFigures] = {}
            for key in PartnerKey:
                figures.update(self._partner_figures(record, self._open_tally, key, False))
            self._show_figures(figures, ready=False)
            return
        self._summary_generation += 1
        generation = self._summary_generation
        self._summary_steps = [(generation, key) for key in PartnerKey]
        self._summary_figures = {}
        self._summary_step.start()

    def _next_summary_step(self) -> None:
        if not self._summary_steps:
            return
        generation, key = self._summary_steps.pop(0)
        record, tally = self.record, self._open_tally
        if generation != self._summary_generation or record is None or tally is None:
            self._summary_steps.clear()
            return
        if key in tally.stale:
            tally.recount(record.block(), key)  # an edit with no cheap delta: this partner only
        ready = self._other_tallies is not None and record.complete
        self._summary_figures.update(self._partner_figures(record, tally, key, ready))
        if self._summary_steps:
            self._summary_step.start()
            return
        self._show_figures(self._summary_figures, ready=ready)

    def _partner_figures(
        self, record: BlockRecord, tally: OpenBlockTally, key: PartnerKey, with_scopes: bool
    ) -> dict[tuple[PartnerKey, str], PartnerFigures]:
        """One partner's block figures, and the day's and intensive's when the rest is in."""
        block = record.block()
        own = tally.tally(key, self.timeline.current_spans(key), block)
        figures = {(key, "Block"): figures_of(own)}
        others = self._other_tallies
        if with_scopes and others is not None:
            day = [b.id for b in record.day.blocks if b.id is not None and b.id != record.block_id]
            day_tallies = [others[(b, key)] for b in day]
            figures[(key, "Day")] = figures_of(total([*day_tallies, own]))
            every = [others[(b, key)] for b in record.other_block_ids()]
            figures[(key, "Intensive")] = figures_of(total([*every, own]))
        return figures

    def _show_figures(
        self, figures: dict[tuple[PartnerKey, str], PartnerFigures], *, ready: bool
    ) -> None:
        if self.figures is not None:
            figures = {**self.figures.figures, **figures}
        self.figures = LiveFigures(figures)
        self.view.summary.show_figures(self.figures)
        if ready:
            self.summary_ready.emit()

    def _tally_change(self, before: Observation | None, after: Observation | None) -> None:
        """Move the open block's tally by one change (O(1) for a live key or a refinement)."""
        record, tally = self.record, self._open_tally
        if record is None or tally is None:
            return
        if before is None and after is not None:
            newest, previous = newest_of(record, after.partner)
            if newest is after:
                tally.newest_added(previous, after)
            else:
                tally.stale.add(after.partner)
        elif after is None and before is not None:
            newest, _previous = newest_of(record, before.partner)
            if newest is None or (newest.at, newest.id or 0) < (before.at, before.id or 0):
                tally.newest_removed(newest, before)
            else:
                tally.stale.add(before.partner)
        elif before is not None and after is not None:
            same = (before.at, before.partner, before.stance)
            if same == (after.at, after.partner, after.stance):
                tally.refined(before, after)
            else:
                tally.stale.update({before.partner, after.partner})

    # ------------------------------------------------------------------ the rest of the intensive

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The first paint after opening a block: read the rest of the intensive next."""
        if event.type() == QEvent.Type.Paint and self._rest_wanted is not None:
            QTimer.singleShot(0, self._read_rest)  # after this paint, not during it
        return False

    def _read_rest(self) -> None:
        record, self._rest_wanted = self._rest_wanted, None
        self._rest_fallback.stop()
        if record is None or record is not self.record:
            return
        services = self.services
        read, outline, place = services.observations_of, record.intensive, open_block(record)
        window = self.flip_window_s
        # The open's layout and last paints are still to run on this thread. Read
        # in Python beside them, the rest of a 5,000-observation intensive made
        # them about 8 ms slower, and the open's time grew with the intensive:
        # the read waits for them as it would for a key (decision 0032).
        services.ui_busy()

        def work() -> IntensiveRest:
            services.wait_for_ui()
            return read_rest(read, outline, record.block_id, place, window)

        self._rest_jobs.run_read(
            work,
            lambda rest: self._take_rest(record, rest),
            lambda error: self._rest_failed(record, error),
        )

    def _take_rest(self, record: BlockRecord, rest: IntensiveRest) -> None:
        if record is not self.record:
            return  # another block was opened meanwhile
        record.complete_with(rest.observations)
        self._other_tallies = rest.tallies
        self.timeline.take_others(rest.points)
        self.view.timeline.redraw_current()  # the axis changed: everything is drawn once
        self.intensive_loaded.emit()
        self.block_opened.emit()
        self.refresh_summary()

    def _rest_failed(self, record: BlockRecord, error: BaseException) -> None:
        if record is self.record:
            self.block_opened.emit()  # the block itself is open and shown
            self.pad.show_error(
                f"The other blocks of this intensive could not be read. {error_sentence(error)}"
            )

    def _forget_rest(self) -> None:
        self._rest_wanted = None
        self._rest_fallback.stop()
        self._rest_jobs.discard_pending()
        self._other_tallies = None
        self._open_tally = None

    def show_note_match(self, section_title: str | None, phrase: str) -> bool:
        """Show the Note tab with `phrase` selected in its section (a search hit)."""
        self.view.tabs.setCurrentWidget(self.view.note)
        return self.note.show_match(section_title, phrase)

    def select_observation(self, observation_id: int) -> None:
        """Show an observation in the table (from a click on the timeline)."""
        self.view.tabs.setCurrentWidget(self.view.table)
        if not self.table.select_observation(observation_id):
            for combo in (
                self.view.table.partner_filter,
                self.view.table.stance_filter,
                self.view.table.strategy_filter,
            ):
                combo.setCurrentIndex(0)
            self.table.select_observation(observation_id)

    def _status_moved(self) -> None:
        record, state = self.record, self.note.state
        if record is None or state is None or self.note.block_id != record.block_id:
            return  # mid-way through opening a block: the note follows in a moment
        self.status_changed.emit(
            BlockStatus(record.block_id, len(record), state.is_signed, len(state.addenda))
        )

    def _reveal(self, observation_id: int) -> None:
        index = self.table.view_index(observation_id)
        if index.isValid():
            self.view.table.table.scrollTo(index)

    def _tab_changed(self, _index: int) -> None:
        """Choosing the note (Alt+E or a click) puts the cursor in it: the next keys write."""
        if self.view.tabs.currentWidget() is self.view.note:
            self.note.focus_text()

    def _clock_changed(self, running: bool) -> None:
        if running:
            self.run.started()
        elif not self.live:
            self.run.stopped()

    def _run_changed(self) -> None:
        """The block's recorded run moved: the shading, the step lines and the figures follow."""
        self.timeline.refresh_block()
        self.view.timeline.redraw_current()
        self.summary_timer.start()

    def _live_changed(self, live: bool) -> None:
        if live:
            self.run.started()
        elif not self.clock.running:
            self.run.stopped()
        self.view.show_live(live)
        if live:
            self.view.tabs.setCurrentWidget(self.view.table)
        self.live_mode_changed.emit(live)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

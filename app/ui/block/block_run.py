"""When the open block actually ran: live mode and the block clock record it; another date is asked.

Real sessions start late, run over, or move to another day. Going live (or
starting the block clock) records the block's actual start, if none is
recorded; each logged observation extends its end (in the same write, see
`log_observation`); going live off (or stopping the clock) extends the end
to that moment, but only when this live stretch started the block or logged
in it, so opening yesterday's block to look at it never rewrites its record.

Logging on a date that is not the block's day asks once whether to log it as
today (a window-modal box, "Don't log" the default: an Enter pressed by
habit must not rewrite another day's record). Yes moves the block's run to
today and logs; No logs nothing and says so on the pad. The check before a
key logs compares dates in memory only (`asks_for_today`), no vault read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from crucible.app.domain.block_span import Run, asks_for_today
from crucible.app.ui.block.block_record import BlockRecord
from crucible.app.ui.block.block_services import BlockServices
from crucible.app.ui.shell.vault_gateway import error_sentence

QUESTION_TITLE = "Log it as today?"


def _day(moment: date) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


class BlockRun(QObject):
    """The open block's recorded run, kept by live mode, the block clock and the date question.

    Args:
        services: The workspace's services (their lock serializes the writes).
        clock: Wall-clock time.
        window: The widget the question box is modal to.
        parent: The Qt parent.
    """

    changed = Signal()
    """The run changed: the timeline's shading and the figures follow."""
    failed = Signal(str)
    """A sentence for the pad: a write failed, or the clinician said not to log."""

    def __init__(
        self,
        services: BlockServices,
        clock: Callable[[], datetime],
        window: QWidget,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.clock = clock
        self.window = window
        self.record: BlockRecord | None = None
        self.question: QMessageBox | None = None
        self._confirmed: set[int] = set()  # blocks the clinician said run today, this session
        self._stretch = False  # this live stretch started the run or logged in it

    # ------------------------------------------------------------------ blocks

    def open(self, record: BlockRecord | None, *, ending: bool, starting: bool) -> None:
        """Another block: a running stretch ends on the old one, and live mode starts the new one.

        Args:
            record: The block now open (None: none).
            ending: Live mode or the clock was running on the block left.
            starting: Live mode stays on into the new block (the clock resets).
        """
        self.close_question()
        if ending:
            self.stopped()
        self.record, self._stretch = record, False
        if starting:
            self.started()

    def clear(self) -> None:
        """At lock: close the question and forget the answers."""
        self.close_question()
        self._confirmed.clear()
        self.record, self._stretch = None, False

    # ------------------------------------------------------------------ live mode and the clock

    def started(self) -> None:
        """Live on, or the clock started: record the start, on the block's day, if none is."""
        record = self.record
        if record is None or record.run.start is not None:
            return
        now = self.clock()
        if not self.allows(now):
            return  # another date: the first key asks, and a yes records the run
        if self._write(record, lambda: self.services.record_start(record.block_id, now)):
            self._stretch = True

    def stopped(self) -> None:
        """Live off, or the clock stopped: the end moves to now if this stretch ran the block."""
        record = self.record
        if record is None or not self._stretch:
            return
        self._stretch = False
        now = self.clock()
        self._write(record, lambda: self.services.record_end(record.block_id, now))

    # ------------------------------------------------------------------ logging

    def allows(self, at: datetime) -> bool:
        """Whether a key at ``at`` may log without asking (in memory: dates only)."""
        record = self.record
        if record is None or record.block_id in self._confirmed:
            return True
        return not asks_for_today(record.run, record.day.date, at)

    def logged(self, at: datetime) -> None:
        """An observation at ``at`` is committed; the vault extended the run in the same write."""
        if self.record is not None:
            self.record.set_run(self.record.run.reached(at))
            self._stretch = True

    def ask(self, at: datetime, then: Callable[[], object]) -> None:
        """Ask whether to log at ``at`` as today; ``then`` logs, after a yes moved the run."""
        record = self.record
        if record is None:
            return
        self.close_question()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            f"Crucible — {QUESTION_TITLE}",
            f"This block is planned for {_day(record.day.date)}, and today is {_day(at.date())}."
            f"\n\nLog this observation at {at:%H:%M} today, and record that the block ran today?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.window,
        )
        box.setAccessibleName(QUESTION_TITLE)
        box.setObjectName("crucible-prompt")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.button(QMessageBox.StandardButton.Yes)
        no = box.button(QMessageBox.StandardButton.No)
        yes.setText("Log it today")
        no.setText("Don't log")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(no)
        box.finished.connect(lambda _result: self._answered(box, record, at, then))
        self.question = box
        box.open()

    def close_question(self) -> None:
        """Close an open question without logging (block switch, lock)."""
        box, self.question = self.question, None
        if box is not None:
            box.reject()

    def _answered(
        self, box: QMessageBox, record: BlockRecord, at: datetime, then: Callable[[], object]
    ) -> None:
        if self.question is not box:
            return  # closed by a block switch or a lock: nothing is logged
        self.question = None
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
            self.failed.emit(
                f"Not logged: this block is planned for {_day(record.day.date)}. "
                "Open today's block, or answer “Log it today”."
            )
            return
        if self._write(record, lambda: self.services.move_run_to(record.block_id, at)):
            self._confirmed.add(record.block_id)
            then()

    # ------------------------------------------------------------------ writing

    def _write(self, record: BlockRecord, step: Callable[[], Run]) -> bool:
        try:
            run = step()
        except Exception as error:  # shown on the pad; the run stays as the vault has it
            self.failed.emit(error_sentence(error))
            return False
        if record is self.record:
            record.set_run(run)
            self.changed.emit()
        return True

"""Logging, refining, editing and deleting observations: write first, then show, undoably.

Every change follows one order: the service commits it to the vault, then
the table, the timeline and the summary are told, then a command goes on the
undo stack. An observation is therefore never shown as logged before it is
durable, and a write that fails shows an error instead of a row.

A live key never waits behind a longer write of this window (an import of a
big intensive on the background helper): if the vault's writer is taken,
the key's observation is queued on the helper's key thread
(`BackgroundWork.run_key_write`, not the write lane the import runs on), the
pad says so at once, and the row appears when the queued write is durable:
the import lets it go first between two of its chunks (`Vault.give_way`),
so within one chunk's time, not after the whole import. Follow-up keys
meanwhile refine the queued observation (`Queued`), and the keys stay in the
order pressed (one key thread, first in first out).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from crucible.app.domain.intensive import Observation
from crucible.app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from crucible.app.ui.block.block_record import BlockRecord
from crucible.app.ui.block.block_services import BlockServices
from crucible.app.ui.block.commands import DeleteCommand, EditCommand, LogCommand
from crucible.app.ui.block.observation_table_model import ObservationTableModel
from crucible.app.ui.block.timeline_data import TimelineData
from crucible.app.ui.kit.background import WorkScope
from crucible.app.ui.shell.vault_gateway import error_sentence

QUEUED_SENTENCE = "Saving as soon as the import under way finishes…"


class BlockRunGuard(Protocol):
    """What logging needs of the block's run keeper (`app.ui.block.block_run.BlockRun`)."""

    def allows(self, at: datetime) -> bool:
        """Whether a key at ``at`` may log without asking."""
        ...

    def ask(self, at: datetime, then: Callable[[], object]) -> None:
        """Ask the clinician; ``then`` logs on a yes."""
        ...

    def logged(self, at: datetime) -> None:
        """An observation at ``at`` was committed."""
        ...


class Queued:
    """A live key's observation waiting for the writer thread, refinable until it is taken.

    The UI thread may change `observation` (a follow-up key) while the
    writer thread takes it; the lock makes "take" and "change" exclusive, and
    a change after the take is written as an ordinary edit once the log is
    durable (`ObservationActions._queued_logged`).
    """

    def __init__(
        self, block_id: int, observation: Observation, before: Observation | None = None
    ) -> None:
        self.block_id = block_id
        self.observation = observation
        self.before = before
        """None for a new observation; for a refinement, the stored one it changes."""
        self._lock = threading.Lock()

    def take(self) -> Observation:
        """What the writer thread writes: the observation as refined so far."""
        with self._lock:
            return self.observation

    def refine(self, observation: Observation) -> None:
        """A follow-up key changed the observation (before or after it was taken)."""
        with self._lock:
            self.observation = observation


class ObservationActions(QObject):
    """The one path by which observations change while a block is open."""

    changed = Signal()
    """After any change reached the views (the summary listens, coalesced)."""
    shown = Signal(object, object)
    """Just before `changed`: the observation before and after (None: added, or removed)."""
    logged = Signal(int)
    """A new observation is durable and shown: its id."""
    failed = Signal(str)
    """A write failed: the sentence to show."""
    waiting = Signal(str)
    """A key's write was queued behind a longer one: the sentence to show (or "" once done)."""

    def __init__(
        self,
        services: BlockServices,
        model: ObservationTableModel,
        timeline: TimelineData,
        undo_stack: QUndoStack,
        clock: Callable[[], datetime],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.model = model
        self.timeline = timeline
        self.undo_stack = undo_stack
        self.clock = clock
        self.record: BlockRecord | None = None
        self.last_id: int | None = None
        self.run: BlockRunGuard | None = None
        """Checks the date before a key logs, and keeps the block's run (set by the workspace)."""
        self.writes: WorkScope | None = None
        """The background helper, for keys that find the writer taken (its key lane)."""
        self.queued: list[Queued] = []
        """Keys whose write waits on the writer thread, oldest first."""
        model.edit_requested = self.edit

    def open(self, record: BlockRecord | None) -> None:
        """Work on another block (None: no block); the undo history starts afresh."""
        self.undo_stack.clear()
        self.record = record
        self.last_id = None
        self.queued = []  # still written; shown when the block is opened again
        if self.writes is not None:
            self.writes.discard_pending()
        self.model.set_record(record)
        if record is None:
            self.timeline.clear()
        else:
            self.timeline.load(record)

    # ------------------------------------------------------------------ the last one

    def last(self) -> Observation | None:
        """What follow-up keys refine: the last one logged since the block was opened.

        Never an older one: a stray "4" pressed on going live must not rewrite an
        observation from earlier in the day.
        """
        if self.queued:
            return self.queued[-1].observation
        if self.record is None or self.last_id is None:
            return None
        return self.record.get(self.last_id)

    def latest(self) -> Observation | None:
        """The block's latest observation in time (what the pad's last line shows on opening)."""
        last = self.last()
        if last is not None or self.record is None or not len(self.record):
            return last
        return self.record.at(len(self.record) - 1)

    # ------------------------------------------------------------------ changes

    def log(self, partner: PartnerKey, stance: Stance) -> int | None:
        """Log partner + stance at the current time; returns the id once durable and shown.

        On a date that is not the block's day the clinician is asked first
        (see `BlockRun`); the observation is then logged on a yes, with the
        time of the key, and None is returned now.
        """
        record = self.record
        if record is None:
            return None
        at = self.clock()
        if self.run is not None and not self.run.allows(at):
            self.run.ask(at, lambda: self._log_at(record, partner, stance, at))
            return None
        return self._log_at(record, partner, stance, at)

    def _log_at(
        self, record: BlockRecord, partner: PartnerKey, stance: Stance, at: datetime
    ) -> int | None:
        if record is not self.record:
            return None
        observation = Observation(at=at, partner=partner, stance=stance)
        block_id = record.block_id
        if self.queued and self.writes is not None:  # keys stay in the order pressed
            self._queue(record, Queued(block_id, observation))
            return None
        try:
            if self.writes is None:
                new_id: int | None = self.services.log(block_id, observation)
            else:
                new_id = self.services.try_log(block_id, observation)
        except Exception as error:  # shown; the observation is not shown as logged
            self.failed.emit(error_sentence(error))
            return None
        if new_id is None:
            self._queue(record, Queued(block_id, observation))
            return None
        return self._logged(record, observation, new_id)

    def _queue(self, record: BlockRecord, queued: Queued) -> None:
        """Hand the write to the writer thread; the UI thread returns at once."""
        assert self.writes is not None
        self.queued.append(queued)
        if queued.before is None:
            self.last_id = None
        services = self.services

        def write() -> tuple[int, Observation]:
            observation = queued.take()
            if queued.before is None:
                new_id = services.when_free(lambda: services.log(queued.block_id, observation))
                return new_id, observation
            assert observation.id is not None
            services.when_free(lambda: services.update(observation))
            return observation.id, observation

        self.writes.run_key_write(
            write,
            lambda result: self._queued_logged(record, queued, *result),
            lambda error: self._queued_failed(queued, error),
        )
        self.waiting.emit(QUEUED_SENTENCE)
        self.changed.emit()

    def _queued_logged(
        self, record: BlockRecord, queued: Queued, new_id: int, written: Observation
    ) -> None:
        if queued in self.queued:
            self.queued.remove(queued)
        if record is not self.record:
            return
        if queued.before is None:
            self._logged(record, written, new_id)
        else:
            self._edited(queued.before, written, "refine observation")
        wanted = dataclasses.replace(queued.observation, id=new_id)
        stored = dataclasses.replace(written, id=new_id)
        if wanted != stored:  # a follow-up key after the writer had taken it
            self.edit(stored, wanted, "refine observation")
        if not self.queued:
            self.waiting.emit("")

    def _queued_failed(self, queued: Queued, error: BaseException) -> None:
        if queued in self.queued:
            self.queued.remove(queued)
        if not self.queued:
            self.waiting.emit("")
        self.failed.emit(error_sentence(error))
        self.changed.emit()

    def _logged(self, record: BlockRecord, observation: Observation, new_id: int) -> int:
        """The observation is durable: show it, make it undoable, say so."""
        at = observation.at
        block_id = record.block_id
        if self.run is not None:
            self.run.logged(at)  # the vault extended the block's run in the same write
        logged = dataclasses.replace(observation, id=new_id)
        self.last_id = new_id
        self._show(None, logged)
        self.undo_stack.push(LogCommand(block_id, logged, self.services, self._show, self._failed))
        self.logged.emit(new_id)
        return new_id

    def refine_last(self, text: str, **changes: Any) -> Observation | None:
        """Change fields of the last observation (intensity, strategies, boundary, texts)."""
        before = self.last()
        if before is None:
            return None
        after = dataclasses.replace(before, **changes)
        if after == before:
            return before
        if self.queued and before is self.queued[-1].observation:
            self.queued[-1].refine(after)  # written with the queued one, or as an edit after it
            self.changed.emit()
            return after
        if self.record is not None and self.writes is not None and self.services.writer_busy:
            self._queue(self.record, Queued(self.record.block_id, after, before))
            return after
        return after if self.edit(before, after, text) else None

    def set_intensity(self, value: int) -> Observation | None:
        """Set the last observation's intensity."""
        return self.refine_last("set intensity", intensity=value)

    def toggle_strategy(self, strategy: Strategy) -> Observation | None:
        """Tag the last observation with a strategy, or untag it if already tagged."""
        last = self.last()
        if last is None:
            return None
        chosen = set(last.strategies) ^ {strategy}
        ordered = tuple(s for s in Strategy if s in chosen)
        return self.refine_last("tag strategy", strategies=ordered)

    def toggle_boundary(self, boundary: Boundary) -> Observation | None:
        """Set the last observation's boundary reading, or clear it if it is already that."""
        last = self.last()
        if last is None:
            return None
        value = None if last.boundary == boundary else boundary
        return self.refine_last("set boundary", boundary=value)

    def edit(self, before: Observation, after: Observation, text: str = "edit observation") -> bool:
        """Write an edited observation, show it, and make it undoable."""
        try:
            self.services.update(after)
        except Exception as error:  # shown; the old values stay on screen
            self.failed.emit(error_sentence(error))
            return False
        self._edited(before, after, text)
        return True

    def _edited(self, before: Observation, after: Observation, text: str) -> None:
        self._show(before, after)
        self.undo_stack.push(
            EditCommand(before, after, self.services, self._show, self._failed, text)
        )

    def delete(self, observation_id: int) -> bool:
        """Delete an observation (undo restores it with the same id)."""
        if self.record is None:
            return False
        try:
            block_id, removed = self.services.delete(observation_id)
        except Exception as error:  # shown; the row stays
            self.failed.emit(error_sentence(error))
            return False
        deleted = dataclasses.replace(removed, id=observation_id)
        self._show(deleted, None)
        self.undo_stack.push(
            DeleteCommand(block_id, deleted, self.services, self._show, self._failed)
        )
        return True

    # ------------------------------------------------------------------ views

    def _show(self, before: Observation | None, after: Observation | None) -> None:
        if self.record is None:
            return
        if after is None:
            assert before is not None
            assert before.id is not None
            self.model.remove(before.id)
        elif before is None:
            self.model.add(after)
        else:
            self.model.replace(after)
        partners = {o.partner for o in (before, after) if o is not None}
        self.timeline.refresh_block(partners, appended=after if before is None else None)
        self.shown.emit(before, after)
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(error_sentence(error))

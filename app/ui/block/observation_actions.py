"""Logging, refining, editing and deleting observations: write first, then show, undoably.

Every change follows one order: the service commits it to the vault, then
the table, the timeline and the summary are told, then a command goes on the
undo stack. An observation is therefore never shown as logged before it is
durable, and a write that fails shows an error instead of a row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from app.domain.intensive import Observation
from app.domain.vocabulary import Boundary, PartnerKey, Stance, Strategy
from app.ui.block.block_record import BlockRecord
from app.ui.block.block_services import BlockServices
from app.ui.block.commands import DeleteCommand, EditCommand, LogCommand
from app.ui.block.observation_table_model import ObservationTableModel
from app.ui.block.timeline_data import TimelineData
from app.ui.shell.vault_gateway import error_sentence


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


class ObservationActions(QObject):
    """The one path by which observations change while a block is open."""

    changed = Signal()
    """After any change reached the views (the summary listens, coalesced)."""
    logged = Signal(int)
    """A new observation is durable and shown: its id."""
    failed = Signal(str)
    """A write failed: the sentence to show."""

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
        model.edit_requested = self.edit

    def open(self, record: BlockRecord | None) -> None:
        """Work on another block (None: no block); the undo history starts afresh."""
        self.undo_stack.clear()
        self.record = record
        self.last_id = None
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
        try:
            new_id = self.services.log(block_id, observation)
        except Exception as error:  # shown; the observation is not shown as logged
            self.failed.emit(error_sentence(error))
            return None
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
        self._show(before, after)
        self.undo_stack.push(
            EditCommand(before, after, self.services, self._show, self._failed, text)
        )
        return True

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
        self.changed.emit()

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(error_sentence(error))

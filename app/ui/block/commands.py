"""Undoable changes to observations: each command calls a service, then tells the views.

A command is pushed only after its first write has reached the vault (so a
failed write never leaves a phantom entry on the stack); its first `redo`,
which QUndoStack calls on push, therefore does nothing. Later redo and undo
call the services again: undoing a log deletes the observation, undoing a
delete restores it under the same id, so redo after undo never renumbers.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from crucible.app.domain.intensive import Observation
from crucible.app.ui.block.block_services import BlockServices

Changed = Callable[[Observation | None, Observation | None], None]
"""Called after a write with (before, after); None stands for "not in the block"."""
Failed = Callable[[BaseException], None]


class _ObservationCommand(QUndoCommand):
    def __init__(self, text: str, services: BlockServices, changed: Changed, failed: Failed):
        super().__init__(text)
        self.services = services
        self.changed = changed
        self.failed = failed
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True  # the write already happened before the push
            return
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as error:  # shown to the clinician; the vault stays the truth
            self.setObsolete(True)
            self.failed(error)

    def apply(self) -> None:
        """Write the change (again) and show it."""
        raise NotImplementedError

    def revert(self) -> None:
        """Write the old state back and show it."""
        raise NotImplementedError


class LogCommand(_ObservationCommand):
    """A new observation; undo deletes it, redo restores it with its id."""

    def __init__(
        self,
        block_id: int,
        logged: Observation,
        services: BlockServices,
        changed: Changed,
        failed: Failed,
    ) -> None:
        super().__init__("log observation", services, changed, failed)
        assert logged.id is not None
        self.block_id = block_id
        self.logged = logged

    def apply(self) -> None:
        """Restore the logged observation under its id."""
        self.services.restore(self.block_id, self.logged)
        self.changed(None, self.logged)

    def revert(self) -> None:
        """Delete the logged observation."""
        assert self.logged.id is not None
        self.services.delete(self.logged.id)
        self.changed(self.logged, None)


class EditCommand(_ObservationCommand):
    """A change of any fields of one observation; undo writes the old values back."""

    def __init__(
        self,
        before: Observation,
        after: Observation,
        services: BlockServices,
        changed: Changed,
        failed: Failed,
        text: str = "edit observation",
    ) -> None:
        super().__init__(text, services, changed, failed)
        self.before = before
        self.after = after

    def apply(self) -> None:
        """Write the new values."""
        self.services.update(self.after)
        self.changed(self.before, self.after)

    def revert(self) -> None:
        """Write the old values."""
        self.services.update(self.before)
        self.changed(self.after, self.before)


class DeleteCommand(_ObservationCommand):
    """A deleted observation; undo restores it under the same id."""

    def __init__(
        self,
        block_id: int,
        deleted: Observation,
        services: BlockServices,
        changed: Changed,
        failed: Failed,
    ) -> None:
        super().__init__("delete observation", services, changed, failed)
        assert deleted.id is not None
        self.block_id = block_id
        self.deleted = deleted

    def apply(self) -> None:
        """Delete the observation again."""
        assert self.deleted.id is not None
        self.services.delete(self.deleted.id)
        self.changed(self.deleted, None)

    def revert(self) -> None:
        """Restore the observation under its old id."""
        self.services.restore(self.block_id, self.deleted)
        self.changed(None, self.deleted)

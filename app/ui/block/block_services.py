"""The services the block workspace calls, over one vault, with its writes serialized.

Observations are written on the UI thread when the vault's writer is free
(a commit is under a millisecond and must be durable before the row is
shown); when another thread holds it (an import), `try_log` says so at once
and the key's write is queued on the background helper's key thread, where
`when_free` waits for the writer (the import gives way between its chunks).
Note autosaves run on that writer thread so a slow disk never stalls typing.
The vault's own writer lock (`Vault.writing`) lets a single write reach the
vault at a time, so the process stays one writer as the store expects. Only
ids and frozen domain objects pass in and out, never ORM objects, so any
thread may call it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from crucible.app.domain.block_span import Run
from crucible.app.domain.intensive import Intensive, NoteSection, Observation
from crucible.app.services import block_runs, intensive_exchange, notes, observations
from crucible.app.services.clock import system_clock
from crucible.app.services.errors import WriterBusyError
from crucible.app.services.notes import NoteState, Revision

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault

T = TypeVar("T")
QUEUED_PATIENCE_S = 600.0
"""How long a queued key's write keeps waiting for the writer before it is reported as failed.

Each try waits the vault's own patience (5 s); a write that holds the writer
longer without giving way (a restore, a delete of a large intensive) would
otherwise fail the key, where it used to wait behind it on the write lane.
"""


class BlockServices:
    """Use-cases of one block's workspace: observations, the note, reflections.

    Args:
        vault: The unlocked vault (its type named through
            `app.services.vault_handle`, so the UI does not import the store).
        signer: The name written on signatures and addenda.
        clock: Wall-clock time for observations, revisions and signatures.
    """

    def __init__(
        self,
        vault: Vault,
        *,
        signer: str,
        clock: Callable[[], datetime] = system_clock,
    ) -> None:
        self.vault = vault
        self.signer = signer
        self.clock = clock

    # ------------------------------------------------------------------ reads

    def intensive(self, intensive_id: int) -> Intensive:
        """The whole intensive (blocks and observations carry their ids)."""
        return intensive_exchange.get_intensive(self.vault, intensive_id)

    def intensive_outline(self, intensive_id: int, block_id: int) -> Intensive:
        """The intensive with only this block's observations, and no block's note.

        The other blocks' observations are read after the first paint; the
        open block's note is read by `note` (the others' are never shown here).
        """
        return intensive_exchange.get_intensive(
            self.vault, intensive_id, observations_of=(block_id,), notes=False
        )

    def observations_of(self, block_ids: list[int]) -> dict[int, tuple[Observation, ...]]:
        """The observations of several blocks by block id, in one read; any thread."""
        return observations.observations_of_blocks(self.vault, block_ids)

    def note(self, block_id: int) -> NoteState:
        """The block's note as it stands (the empty template if never saved)."""
        return notes.load_note(self.vault, block_id)

    def revisions(self, block_id: int) -> list[Revision]:
        """Every saved version of the note, oldest first."""
        return notes.note_revisions(self.vault, block_id)

    def observations(self, block_id: int) -> list[Observation]:
        """The block's observations in time order, read back from the vault."""
        return observations.block_observations(self.vault, block_id)

    # ------------------------------------------------------------------ writes

    def log(self, block_id: int, observation: Observation) -> int:
        """Commit a new observation; returns its id once it is durable."""
        return observations.log_observation(self.vault, block_id, observation)

    def input_arrived(self) -> None:
        """A live key or cap: background work in this process steps aside (decision 0032)."""
        self.vault.foreground.touch()

    def ui_busy(self) -> None:
        """The UI thread is finishing a block's opening: work elsewhere steps aside (0032).

        Its layout and last paints are still to run; the same short step aside
        as for input.
        """
        self.vault.foreground.touch()

    def wait_for_ui(self) -> None:
        """On a worker, before long Python work: until the UI has had a moment to itself."""
        self.vault.foreground.wait_turn()

    @property
    def writer_busy(self) -> bool:
        """Whether another thread is writing to the vault now (a live key would wait)."""
        return bool(self.vault.writer_busy)

    def try_log(self, block_id: int, observation: Observation) -> int | None:
        """Commit a new observation if no other thread is writing; None at once if one is."""
        if self.writer_busy:
            return None
        try:
            return observations.log_observation(self.vault, block_id, observation, wait=False)
        except WriterBusyError:
            return None  # taken between the hint and the write: queue it

    def when_free(self, write: Callable[[], T]) -> T:
        """Run a queued key's write (key thread), waiting up to `QUEUED_PATIENCE_S` for it."""
        deadline = time.monotonic() + QUEUED_PATIENCE_S
        while True:
            try:
                return write()
            except WriterBusyError:
                if time.monotonic() >= deadline:
                    raise

    def update(self, observation: Observation) -> None:
        """Replace every field of a stored observation (it must carry its id)."""
        assert observation.id is not None
        observations.update_observation(self.vault, observation.id, observation)

    def delete(self, observation_id: int) -> tuple[int, Observation]:
        """Delete an observation; returns its block and content for undo."""
        return observations.delete_observation(self.vault, observation_id)

    def restore(self, block_id: int, observation: Observation) -> int:
        """Put a deleted observation back under its old id."""
        return observations.restore_observation(self.vault, block_id, observation)

    def record_start(self, block_id: int, at: datetime) -> Run:
        """Live on or the block clock started: the run's start if unset; returns the run."""
        return block_runs.record_start(self.vault, block_id, at)

    def record_end(self, block_id: int, at: datetime) -> Run:
        """Live off or the block clock stopped: the run's end, if later; returns the run."""
        return block_runs.record_end(self.vault, block_id, at)

    def move_run_to(self, block_id: int, at: datetime) -> Run:
        """The clinician said the block runs today; returns the run."""
        return block_runs.move_run_to(self.vault, block_id, at)

    def save_note(self, block_id: int, sections: Sequence[NoteSection]) -> bool:
        """Save the draft as a revision (False when nothing changed); any thread."""
        return notes.save_note(self.vault, block_id, sections, clock=self.clock)

    def sign(self, block_id: int, intensive_id: int | None) -> NoteState:
        """Sign the note as it stands, in the signer's name."""
        return notes.sign_note(
            self.vault, block_id, self.signer, clock=self.clock, intensive_id=intensive_id
        )

    def add_addendum(
        self, block_id: int, intensive_id: int | None, reason: str, text: str
    ) -> NoteState:
        """Append an addendum to the signed note."""
        return notes.add_addendum(
            self.vault,
            block_id,
            by=self.signer,
            reason=reason,
            text=text,
            clock=self.clock,
            intensive_id=intensive_id,
        )

    def set_reflections(self, intensive_id: int, text: str) -> None:
        """Save the trainee's reflections on the whole intensive."""
        notes.set_reflections(self.vault, intensive_id, text)

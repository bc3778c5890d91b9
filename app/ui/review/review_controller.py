"""One open review: reacts to ReviewWindow and calls the supervisor's services.

The trainee's intensive comes from the package, read-only: it carries no
database ids, so blocks are given their positions as ids and observations
their order, which is all the workspace's table, timeline and figures need
to show them. Everything the supervisor adds goes through
:mod:`app.services.review_inbox` and lands in their own layer, comments and
co-signature, never in the trainee's records.

Coding is live against a recording: "Code this block" starts a clock at the
chosen recording time, and each of the six stance keys logs an observation
at that clock's time. The clock is injectable so the tests can move it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTime, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from crucible.app.domain.block_span import effective_span
from crucible.app.domain.intensive import Block, Intensive, Observation
from crucible.app.domain.review import CoSignature, ReviewComment, numbered_blocks, review_agreement
from crucible.app.domain.review_format import block_label
from crucible.app.domain.vocabulary import STANCE_SHORT, PartnerKey, partner_colour
from crucible.app.services.errors import VaultError
from crucible.app.ui.block.block_record import BlockRecord
from crucible.app.ui.block.keymap import KeyMap, LogStance
from crucible.app.ui.block.live_figures import LiveFigures, compute_figures
from crucible.app.ui.block.observation_table_model import ObservationTableModel
from crucible.app.ui.block.timeline_data import TimelineData
from crucible.app.ui.block.timeline_view import TimelineView
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.kit.forms import show_message
from crucible.app.ui.kit.prompts import ask_save_path, confirm, show_info
from crucible.app.ui.review.review_window import CommentsBox, ReviewWindow
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault

FLIP_WINDOW_S = 60
RETURN_FILTER = "Crucible review (*.crucible-review)"


def with_positions(intensive: Intensive) -> Intensive:
    """The package's intensive with blocks numbered by position and observations by order."""
    position = 0
    days = []
    for day in intensive.days:
        blocks = []
        for block in day.blocks:
            position += 1
            observations = tuple(
                replace(o, id=index) for index, o in enumerate(block.observations, start=1)
            )
            blocks.append(replace(block, id=position, observations=observations))
        days.append(replace(day, blocks=tuple(blocks)))
    return replace(intensive, days=tuple(days))


def _with_block(
    intensive: Intensive, position: int, observations: tuple[Observation, ...]
) -> Intensive:
    """The intensive with one block's observations swapped (the supervisor's layer shown)."""
    days = tuple(
        replace(
            day,
            blocks=tuple(
                replace(b, observations=observations) if b.id == position else b for b in day.blocks
            ),
        )
        for day in intensive.days
    )
    return replace(intensive, days=days)


class ReviewController(QObject):
    """Shows one review and carries out the supervisor's comments, coding, co-sign and return."""

    changed = Signal()
    """Something the Reviews list shows changed (comments, coded blocks, co-signature)."""

    def __init__(
        self,
        view: ReviewWindow,
        vault: Vault,
        review_id: int,
        *,
        actor: Callable[[], str],
        background: BackgroundWork,
        error_colour: Callable[[], str],
        elapsed: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(view)
        from crucible.app.services import review_inbox

        self.view = view
        self.vault = vault
        self.review_id = review_id
        self._actor = actor
        self._background = background
        self._error_colour = error_colour
        self.elapsed = elapsed
        self._services = review_inbox
        self.intensive = with_positions(review_inbox.review_intensive(vault, review_id))
        self.blocks = numbered_blocks(self.intensive)
        self.trainee = review_inbox.review_trainee(vault, review_id)
        self.layer: dict[int, tuple[Observation, ...]] = {}
        self.comments: tuple[ReviewComment, ...] = ()
        self.signature: CoSignature | None = None
        self.position = 1 if self.blocks else 0
        self._coding_from: tuple[datetime, float] | None = None
        self._shown = False
        self.trainee_model = ObservationTableModel(view)
        self.layer_model = ObservationTableModel(view)
        view.observations.setModel(self.trainee_model)
        view.pad.layer.setModel(self.layer_model)
        self.timeline_data = TimelineData(FLIP_WINDOW_S)
        self.timeline = TimelineView(self.timeline_data)
        view.timeline_slot.addWidget(self.timeline)
        self._tick = QTimer(view)
        self._tick.setInterval(500)
        self._tick.timeout.connect(self._show_clock)
        self._shortcuts = self._stance_shortcuts(view, KeyMap())
        self._connect()
        self._fill_header()
        self.reload()
        if self.blocks:
            view.blocks.setCurrentRow(0)

    # ------------------------------------------------------------------ wiring

    def _connect(self) -> None:
        v = self.view
        v.blocks.currentRowChanged.connect(lambda row: self.choose_block(row + 1))
        v.intensive_comments.add.clicked.connect(lambda: self._add_comment(None))
        v.block_comments.add.clicked.connect(lambda: self._add_comment(self.position))
        v.pad.code_button.toggled.connect(self.set_coding)
        v.pad.remove.clicked.connect(self._remove_selected)
        v.cosign.clicked.connect(self.ask_cosign)
        v.return_button.clicked.connect(self.ask_return)
        for action, cap in v.pad.caps.items():
            cap.clicked.connect(lambda _c=False, a=action: self.log(a))
        v.finished.connect(lambda _r: self.set_coding(False))

    def _stance_shortcuts(self, view: QWidget, key_map: KeyMap) -> list[QShortcut]:
        shortcuts = []
        for action in self.view.pad.caps:
            shortcut = QShortcut(QKeySequence(key_map.key_for(action)), view)
            shortcut.setEnabled(False)
            shortcut.activated.connect(lambda a=action: self.log(a))
            shortcuts.append(shortcut)
        return shortcuts

    # ------------------------------------------------------------------ showing

    def _fill_header(self) -> None:
        i = self.intensive
        self.view.heading.setText(f"Review: {i.couple.code} · {i.title}")
        self.view.setWindowTitle(f"Crucible — Review of {i.couple.code}")
        self.view.sender_line.setText(
            f"Sent by {self.trainee.name} (trainee) · card fingerprint {self.trainee.fingerprint}"
            " · de-identified: the partners appear as Partner A and Partner B"
        )
        partners = {
            key: (f"Partner {key}", partner_colour(key, i.couple.partner(key).colour))
            for key in PartnerKey
        }
        self.timeline.show_partners(partners)
        self.view.figures.set_partners(partners)

    def reload(self) -> None:
        """Read the supervisor's layer, comments and co-signature again, and show them."""
        s = self._services
        self.layer = dict(s.supervisor_layer(self.vault, self.review_id))
        self.comments = s.review_comments(self.vault, self.review_id)
        self.signature = s.cosignature(self.vault, self.review_id)
        self._show_all()

    def _show_all(self) -> None:
        """Show what is held now: blocks list, signature, comments, agreement, the open block."""
        self._fill_blocks()
        self._show_signature()
        self.view.intensive_comments.show_comments(self._texts(None))
        self.view.agreement.show_agreement(
            self.intensive, review_agreement(self.intensive, self.layer)
        )
        if self.position:
            self._show_block(self.position)

    def _texts(self, position: int | None) -> list[str]:
        return [
            f"{c.written_at:%Y-%m-%d %H:%M} · {c.text}"
            for c in self.comments
            if c.block == position
        ]

    def _fill_blocks(self) -> None:
        current = self.view.blocks.currentRow()
        self.view.blocks.blockSignals(True)
        self.view.blocks.clear()
        for position, block in enumerate(self.blocks, start=1):
            marks = []
            if self.layer.get(position):
                marks.append(f"you coded {len(self.layer[position])}")
            said = sum(1 for c in self.comments if c.block == position)
            if said:
                marks.append(f"{said} comment{'s' if said > 1 else ''}")
            tail = f"\n    ✓ {', '.join(marks)}" if marks else ""
            self.view.blocks.addItem(f"{block_label(position, block)}{tail}")
        self.view.blocks.setCurrentRow(current)
        self.view.blocks.blockSignals(False)

    def _show_signature(self) -> None:
        signed = self.signature
        if signed is None:
            self.view.signed_line.setText("Not co-signed yet.")
        else:
            self.view.signed_line.setText(
                f"Co-signed by {signed.signer} on {signed.signed_at:%Y-%m-%d %H:%M} · "
                f"fingerprint {signed.fingerprint}"
            )
        self.view.cosign.setEnabled(signed is None)

    def choose_block(self, position: int) -> None:
        """Show the block at ``position`` (1-based), stopping any coding of another block."""
        if not 1 <= position <= len(self.blocks) or (position == self.position and self._shown):
            return
        self.set_coding(False)
        self.position = position
        self._show_block(position)

    def _show_block(self, position: int) -> None:
        self._shown = True
        block = self.blocks[position - 1]
        record = BlockRecord(self.intensive, position)
        self.trainee_model.set_record(record)
        layered = _with_block(self.intensive, position, self.layer.get(position, ()))
        self.layer_model.set_record(BlockRecord(layered, position))
        self.timeline_data.load(record)
        self.timeline.ensure_plot()
        self.timeline.redraw_all()
        self.view.note.setPlainText(_note_text(block))
        day = next(d for d in self.intensive.days if block in d.blocks)
        scopes = {
            "Block": [block],
            "Day": list(day.blocks),
            "Intensive": list(self.blocks),
        }
        self.view.figures.set_day(day.number)
        self.view.figures.show_figures(LiveFigures(compute_figures(scopes, FLIP_WINDOW_S)))
        self.view.block_comments.setTitle(f"Comments on block {position}")
        self.view.block_comments.show_comments(self._texts(position))
        start = effective_span(block).start
        self.view.pad.start.setTime(QTime(start.hour, start.minute, start.second))
        self.view.pad.setTitle(f"My coding of {block_label(position, block)}")

    # ------------------------------------------------------------------ comments

    def _add_comment(self, position: int | None) -> None:
        box: CommentsBox = (
            self.view.intensive_comments if position is None else self.view.block_comments
        )
        text = box.text.toPlainText()
        try:
            self._services.add_comment(
                self.vault, self.review_id, position, text, actor=self._actor()
            )
        except VaultError as error:  # the service's own sentence; anything else is a bug
            self._say(error_sentence(error), error=True)
            return
        box.text.clear()
        self._say("Comment added.")
        self.reload()
        self.changed.emit()

    # ------------------------------------------------------------------ coding

    def set_coding(self, coding: bool) -> None:
        """Start or stop coding the current block against the recording's clock."""
        if coding and not self.position:
            coding = False
        if coding:
            block = self.blocks[self.position - 1]
            chosen = self.view.pad.start.time()
            start = effective_span(block).start
            at = start.replace(hour=chosen.hour(), minute=chosen.minute(), second=chosen.second())
            self._coding_from = (at, self.elapsed())
            self._tick.start()
            self.view.pad.setFocus()
        else:
            self._coding_from = None
            self._tick.stop()
        for shortcut in self._shortcuts:
            shortcut.setEnabled(coding)
        self.view.pad.show_coding(coding)
        self._show_clock()

    @property
    def coding(self) -> bool:
        """Whether the stance keys log into the supervisor's layer now."""
        return self._coding_from is not None

    def recording_time(self) -> datetime | None:
        """Where the recording is now, by the clock started with "Code this block"."""
        if self._coding_from is None:
            return None
        at, started = self._coding_from
        return at + timedelta(seconds=self.elapsed() - started)

    def _show_clock(self) -> None:
        now = self.recording_time()
        self.view.pad.clock.setText("" if now is None else f"Recording at {now:%H:%M:%S}")

    def log(self, action: LogStance) -> None:
        """Add one observation to the supervisor's layer at the recording's time."""
        at = self.recording_time()
        if at is None:
            return
        observation = Observation(at=at, partner=action.partner, stance=action.stance)
        try:
            new_id = self._services.add_layer_observation(
                self.vault, self.review_id, self.position, observation, actor=self._actor()
            )
        except VaultError as error:  # the service's own sentence; anything else is a bug
            self._say(error_sentence(error), error=True)
            return
        self.view.pad.last.setText(
            f"{at:%H:%M:%S}  Partner {action.partner}  {STANCE_SHORT[action.stance]}"
        )
        # Kept here rather than read back: a key while the recording plays must stay quick.
        held = (*self.layer.get(self.position, ()), replace(observation, id=new_id))
        self.layer[self.position] = tuple(sorted(held, key=lambda o: (o.at, o.id or 0)))
        self._after_coding()

    def _remove_selected(self) -> None:
        rows = self.view.pad.layer.selectionModel().selectedRows()
        if not rows:
            self._say("Select one of your coded observations to remove.", error=True)
            return
        observation = self.layer_model.observation(rows[0].row())
        if observation.id is None:
            return
        try:
            self._services.remove_layer_observation(self.vault, observation.id)
        except VaultError as error:  # the service's own sentence; anything else is a bug
            self._say(error_sentence(error), error=True)
            return
        kept = tuple(o for o in self.layer.get(self.position, ()) if o.id != observation.id)
        if kept:
            self.layer[self.position] = kept
        else:
            self.layer.pop(self.position, None)
        self._after_coding()

    def _after_coding(self) -> None:
        self._show_all()
        self.changed.emit()

    # ------------------------------------------------------------------ co-sign and return

    def ask_cosign(self) -> None:
        """Co-sign after saying what it covers."""
        text = (
            "Co-sign this intensive? Your signature covers the trainee's notes and "
            "observations as sent, with today's date; it cannot be taken back."
        )
        confirm(self.view, "Co-sign", text, "Co-sign", self.cosign)

    def cosign(self) -> None:
        """Sign now (the Ed25519 signature is made in the vault's service)."""
        try:
            self._services.cosign(self.vault, self.review_id, actor=self._actor())
        except VaultError as error:  # the service's own sentence; anything else is a bug
            self._say(error_sentence(error), error=True)
            return
        self.reload()
        self._say(cosignature_line_for(self.signature))
        self.changed.emit()

    def ask_return(self) -> None:
        """Choose where to write the return package."""
        name = f"{self.intensive.couple.code}-review-return.crucible-review"
        ask_save_path(
            self.view,
            "Return to trainee",
            name,
            RETURN_FILTER,
            self.return_to,
            default_suffix="crucible-review",
        )

    def return_to(self, path: Path) -> None:
        """Seal the comments, the layer and the co-signature to the trainee, off the UI thread."""
        vault, review_id, actor = self.vault, self.review_id, self._actor()

        def work() -> Path:
            from crucible.app.services.review_inbox import return_review

            return return_review(vault, review_id, path, actor=actor)

        def done(written: Path) -> None:
            self._say(f"Return package written to {written.name}.")
            show_info(
                self.view,
                f"Written to {written.name}, sealed to {self.trainee.name}'s card. "
                "Send them the file; only their vault can open it.",
            )

        self._background.run(work, done, lambda e: self._say(error_sentence(e), error=True))

    def _say(self, text: str, *, error: bool = False) -> None:
        show_message(self.view.message, text, self._error_colour() if error else None)


def cosignature_line_for(signed: CoSignature | None) -> str:
    """The status sentence after co-signing."""
    if signed is None:
        return "Not co-signed."
    return f"Co-signed on {signed.signed_at:%Y-%m-%d} as {signed.signer}."


def _note_text(block: Block) -> str:
    """The block's note as plain text: sections, then the signature status and addenda."""
    note = block.note
    parts = [f"{s.title}\n{s.text}" for s in note.sections if s.text.strip()]
    if not parts:
        parts.append("No note was written for this block.")
    for addendum in note.addenda:
        parts.append(
            f"Addendum, {addendum.at:%Y-%m-%d %H:%M}, {addendum.by} ({addendum.reason}):\n"
            f"{addendum.text}"
        )
    return "\n\n".join(parts)

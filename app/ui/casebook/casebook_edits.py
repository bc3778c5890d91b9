"""Edits from the navigator: couples, intensives, days and blocks, through the casebook service.

Each action reads the selection, opens a non-blocking dialog where input is
needed, calls one service function, and reloads the navigator on the item
that changed. A refusal (a code already used, a signed note) is shown as the
service's sentence, in the dialog when there is one.

It owns the edit buttons and forms of the details pages (`DetailsView`) and
sees the navigator only as `CasebookAccess`: the selection, the summaries,
a reload. The session's composition (app/ui/shell/composition.py) hands it
both, with the vault.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QWidget

from crucible.app.services import casebook
from crucible.app.services.errors import VaultError
from crucible.app.ui.casebook.casebook_access import CasebookAccess
from crucible.app.ui.casebook.couple_dialog import CoupleDialog
from crucible.app.ui.casebook.details_view import DetailsView
from crucible.app.ui.casebook.intensive_dialog import (
    NewIntensiveDialog,
    RenameDialog,
    SupervisionDialog,
)
from crucible.app.ui.casebook.navigator_model import BLOCK, COUPLE, DAY, INTENSIVE, ItemKey
from crucible.app.ui.kit.prompts import confirm, show_error

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault

T = TypeVar("T")
Select = ItemKey | Callable[[T], ItemKey] | None
"""Where the navigator goes after an edit: a key, a key made from the result, or stay."""


class CasebookEdits:
    """Wires the details buttons to casebook edits."""

    def __init__(
        self, casebook: CasebookAccess, details: DetailsView, vault: Vault, window: QWidget
    ) -> None:
        self.ws = casebook
        self.details = details
        self.vault = vault
        self.window = window
        d = details
        d.empty_new_couple.clicked.connect(self.new_couple)
        d.edit_couple.clicked.connect(self.edit_couple)
        d.couple_new_intensive.clicked.connect(self.new_intensive)
        d.rename_intensive.clicked.connect(self.rename_intensive)
        d.supervision.clicked.connect(self.edit_supervision)
        d.add_day.clicked.connect(self.add_day)
        d.archive.clicked.connect(self.toggle_archived)
        d.delete_intensive.clicked.connect(self.delete_intensive)
        d.change_date.clicked.connect(self.redate_day)
        d.add_block.clicked.connect(self.add_block)
        d.day_earlier.clicked.connect(lambda: self.move_day(-1))
        d.day_later.clicked.connect(lambda: self.move_day(+1))
        d.remove_day.clicked.connect(self.remove_day)
        d.save_block.clicked.connect(self.save_block)
        d.block_up.clicked.connect(lambda: self.move_block(-1))
        d.block_down.clicked.connect(lambda: self.move_block(+1))
        d.remove_block.clicked.connect(self.remove_block)

    def _call(
        self, work: Callable[[], T], select: Select[T] = None, scope: ItemKey | None = None
    ) -> None:
        """Run one service call; show its refusal, reload the navigator either way.

        `scope` is the one couple or intensive the edit changes: only its rows
        are read again (on a ten-year vault a whole reload is most of a second).
        """
        try:
            result = work()
        except VaultError as error:
            show_error(self.window, str(error))
            self.ws.refresh()
            return
        self.ws.refresh_within(scope, select(result) if callable(select) else select)

    def _in_dialog(
        self, work: Callable[[], T], select: Select[T] = None, scope: ItemKey | None = None
    ) -> str | None:
        try:
            result = work()
        except VaultError as error:
            return str(error)
        self.ws.refresh_within(scope, select(result) if callable(select) else select)
        return None

    # ------------------------------------------------------------------ couples

    def new_couple(self) -> CoupleDialog:
        """Ask for a code and two partners, then create the couple."""
        dialog = CoupleDialog(self.window, None, self.ws.error_colour)

        def submit() -> str | None:
            code, partners = dialog.values()
            return self._in_dialog(
                lambda: casebook.create_couple(
                    self.vault,
                    code,
                    [casebook.PartnerOutline(*p) for p in partners],
                    actor=self.ws.actor,
                ),
                lambda new_id: (COUPLE, new_id),
            )

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def edit_couple(self) -> CoupleDialog | None:
        """Edit the selected couple's code and partners."""
        key = self.ws.parent_key(COUPLE)
        couple = self.ws.couple_of(key) if key is not None else None
        if key is None or couple is None:
            return None
        dialog = CoupleDialog(self.window, couple, self.ws.error_colour)

        def submit() -> str | None:
            code, partners = dialog.values()
            return self._in_dialog(
                lambda: casebook.update_couple(
                    self.vault,
                    key[1],
                    code,
                    [casebook.PartnerOutline(*p) for p in partners],
                    actor=self.ws.actor,
                ),
                key,
                key,
            )

        dialog.on_submit = submit
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ intensives

    def new_intensive(self) -> NewIntensiveDialog | None:
        """Start an intensive for the selected couple from a template."""
        key = self.ws.parent_key(COUPLE)
        if key is None:
            show_error(self.window, "Select a couple first, or create one.", "No couple selected")
            return None
        couple = self.ws.couple_of(key)
        if couple is None:
            return None
        templates = casebook.list_templates()
        dialog = NewIntensiveDialog(
            self.window, couple.code, templates, self.ws.profile, self.ws.error_colour, date.today()
        )

        def submit() -> str | None:
            supervised = dialog.supervised.isChecked()
            return self._in_dialog(
                lambda: casebook.create_intensive(
                    self.vault,
                    key[1],
                    dialog.template.currentData(),
                    first_date=dialog.chosen_date(),
                    title=dialog.title.text(),
                    clinician=self.ws.actor,
                    trainee=dialog.trainee.text() if supervised else None,
                    supervisor=dialog.supervisor.text() if supervised else None,
                    actor=self.ws.actor,
                ),
                lambda new_id: (INTENSIVE, new_id),
            )

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def _intensive_key(self) -> ItemKey | None:
        return self.ws.parent_key(INTENSIVE)

    def rename_intensive(self) -> RenameDialog | None:
        """Give the selected intensive a new title."""
        key = self._intensive_key()
        intensive = self.ws.intensive_of(key) if key is not None else None
        if key is None or intensive is None:
            return None
        dialog = RenameDialog(self.window, intensive.title, self.ws.error_colour)
        dialog.on_submit = lambda: self._in_dialog(
            lambda: casebook.rename_intensive(
                self.vault, key[1], dialog.title.text(), actor=self.ws.actor
            ),
            key,
            key,
        )
        dialog.open()
        return dialog

    def edit_supervision(self) -> SupervisionDialog | None:
        """Mark the selected intensive as supervised (trainee and supervisor), or clear it."""
        key = self._intensive_key()
        intensive = self.ws.intensive_of(key) if key is not None else None
        if key is None or intensive is None:
            return None
        dialog = SupervisionDialog(self.window, intensive, self.ws.profile, self.ws.error_colour)
        dialog.on_submit = lambda: self._in_dialog(
            lambda: casebook.set_supervision(
                self.vault,
                key[1],
                dialog.trainee.text(),
                dialog.supervisor.text(),
                actor=self.ws.actor,
            ),
            key,
            key,
        )
        dialog.open()
        return dialog

    def toggle_archived(self) -> None:
        """Archive the selected intensive, or restore an archived one."""
        key = self._intensive_key()
        intensive = self.ws.intensive_of(key) if key is not None else None
        if key is None or intensive is None:
            return
        archived = intensive.status == "archived"
        if not archived and not self.ws.showing_archived():
            select = self.ws.parent_key(COUPLE)
        else:
            select = key
        self._call(
            lambda: casebook.set_archived(self.vault, key[1], not archived, actor=self.ws.actor),
            select,
        )

    def delete_intensive(self) -> None:
        """Delete the selected intensive after a question; refused outright if a note is signed."""
        key = self._intensive_key()
        if key is None:
            return
        if not casebook.can_delete_intensive(self.vault, key[1]):
            show_error(
                self.window,
                "This intensive has signed notes, and signed records cannot be deleted; "
                "archive it instead.",
                "Cannot delete",
            )
            return
        couple_key = self.ws.parent_key(COUPLE)
        confirm(
            self.window,
            "Delete intensive",
            "Delete this intensive with all its days, blocks, notes and observations? "
            "This cannot be undone.",
            "&Delete",
            lambda: self._call(
                lambda: casebook.delete_intensive(self.vault, key[1], actor=self.ws.actor),
                couple_key,
            ),
        )

    # ------------------------------------------------------------------ days

    def add_day(self) -> None:
        """Append a day after the selected intensive's last day."""
        key = self._intensive_key()
        if key is not None:
            self._call(
                lambda: casebook.add_day(self.vault, key[1], actor=self.ws.actor),
                lambda new_id: (DAY, new_id),
                key,
            )

    def redate_day(self) -> None:
        """Give the selected day the date in the date field."""
        key = self.ws.parent_key(DAY)
        if key is None:
            return
        new_date = self.details.chosen_day_date()
        self._call(
            lambda: casebook.redate_day(self.vault, key[1], new_date, actor=self.ws.actor),
            key,
            self._intensive_key(),
        )

    def move_day(self, step: int) -> None:
        """Move the selected day earlier or later (the two days trade dates)."""
        key = self.ws.parent_key(DAY)
        if key is not None:
            self._call(
                lambda: casebook.move_day(self.vault, key[1], step, actor=self.ws.actor),
                key,
                self._intensive_key(),
            )

    def remove_day(self) -> None:
        """Remove the selected day and its blocks, after a question."""
        key = self.ws.parent_key(DAY)
        day = self.ws.day_of(key) if key is not None else None
        if key is None or day is None:
            return
        if any(block.signed for block in day.blocks):
            show_error(
                self.window,
                "This day has a block with a signed note, and signed records cannot be deleted.",
                "Cannot remove",
            )
            return
        parent = self.ws.parent_key(INTENSIVE)
        observations = sum(b.observation_count for b in day.blocks)
        confirm(
            self.window,
            "Remove day",
            f"Remove day {day.number} with its {len(day.blocks)} blocks and "
            f"{observations} observations? This cannot be undone.",
            "&Remove",
            lambda: self._call(
                lambda: casebook.remove_day(self.vault, key[1], actor=self.ws.actor),
                parent,
                parent,
            ),
        )

    # ------------------------------------------------------------------ blocks

    def add_block(self) -> None:
        """Append a one-hour joint block after the day's last block."""
        key = self.ws.parent_key(DAY)
        day = self.ws.day_of(key) if key is not None else None
        if key is None or day is None:
            return
        start = time(9, 0)
        if day.blocks:
            last = day.blocks[-1].end or day.blocks[-1].start
            start = time(min(last.hour + (1 if last.minute else 0), 22), 0)
        end = time(min(start.hour + 1, 23), 0)
        plan = casebook.BlockPlan("New block", "joint", start, end)
        self._call(
            lambda: casebook.add_block(self.vault, key[1], plan, actor=self.ws.actor),
            lambda new_id: (BLOCK, new_id),
            self._intensive_key(),
        )

    def save_block(self) -> None:
        """Save the title, kind and times typed on the block page."""
        key = self.ws.parent_key(BLOCK)
        if key is None:
            return
        form = self.details.block_form_values()
        self._call(
            lambda: casebook.update_block(
                self.vault,
                key[1],
                title=form.title,
                kind=form.kind,
                start=form.start,
                end=form.end,
                actor=self.ws.actor,
            ),
            key,
            self._intensive_key(),
        )

    def move_block(self, step: int) -> None:
        """Move the selected block up or down within its day."""
        key = self.ws.parent_key(BLOCK)
        if key is not None:
            self._call(
                lambda: casebook.move_block(self.vault, key[1], step, actor=self.ws.actor),
                key,
                self._intensive_key(),
            )

    def remove_block(self) -> None:
        """Remove the selected block after a question (refused for a signed note)."""
        key = self.ws.parent_key(BLOCK)
        block = self.ws.block_of(key) if key is not None else None
        if key is None or block is None:
            return
        parent, scope = self.ws.parent_key(DAY), self._intensive_key()
        confirm(
            self.window,
            "Remove block",
            f"Remove this block and its {block.observation_count} observations? "
            "This cannot be undone.",
            "&Remove",
            lambda: self._call(
                lambda: casebook.remove_block(self.vault, key[1], actor=self.ws.actor),
                parent,
                scope,
            ),
        )

"""The Hours window's behaviour: read the record in the background, show the log, open blocks.

Blocks waiting for the clinician's word are listed below the log: those
that would count but show no sign they ran ("It ran as planned"), and the
"other" blocks that ran, which count only once marked as relational or
individual contact (and stop with "Don't count").

The record (blocks, entries, target) is read once per opening on the
read lane; the log is computed from it there too, so the UI thread only
fills tables. Selecting a week shows the entries behind its numbers;
double-clicking an entry that came from a block opens that block in the
casebook (the window stays open beside it). Adding an entry, removing one
and choosing the target go through the same services as `crucible hours`,
on the write lane; a refused entry is explained in its form, which stays
open, and every change is followed by a fresh count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject

from crucible.app.domain.hours import (
    INTENSIVES_SETTING,
    BlockInRecord,
    BlockMark,
    ContactKind,
    OtherBlock,
    SupervisionEntry,
    entry_problem,
    setting_problem,
)
from crucible.app.domain.hours_log import EntryRow, HoursLog, entry_rows, hours_text
from crucible.app.domain.hours_targets import ratio_sentence
from crucible.app.services.clock import Clock, system_clock
from crucible.app.ui.hours.entry_dialogs import (
    ContactEntryDialog,
    ExportHoursDialog,
    PendingFormDialog,
    SupervisionEntryDialog,
    TargetDialog,
)
from crucible.app.ui.hours.hours_view import HoursView
from crucible.app.ui.kit import forms, prompts
from crucible.app.ui.kit.background import BackgroundWork, while_open
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault

_COUNTS_AS_WORDS = {
    None: "Not counted",
    ContactKind.RELATIONAL: "Relational",
    ContactKind.INDIVIDUAL: "Individual",
}

_ENTRY_WORDS = {
    "contact-block": "Contact (block)",
    "contact-manual": "Contact (added)",
    "supervision": "Supervision",
}


class HoursRead(NamedTuple):
    """What the window shows, read on the read lane."""

    log: HoursLog
    waiting: list[BlockInRecord]
    """Past blocks waiting for the clinician's word, newest first."""
    supervisor: str
    """The linked supervisor card's name ("" without one): new supervision entries' default."""
    others: list[OtherBlock]
    """The "other" blocks that ran, decided or not, newest first."""


def load_hours(vault: Vault, now: datetime) -> HoursRead:
    """The whole log, the blocks waiting for a word, and the linked supervisor.

    Runs on the read lane. A block still ahead in the plan is not asked
    about: nothing could have been recorded yet.
    """
    from crucible.app.domain.hours import needs_confirmation, other_blocks
    from crucible.app.services.hours import log_of, read_record
    from crucible.app.services.identity import linked_supervisor

    record = read_record(vault)
    waiting = sorted(
        (
            block
            for block in record.blocks
            if needs_confirmation(block) and (block.end or block.start) <= now
        ),
        key=lambda block: block.start,
        reverse=True,
    )
    linked = linked_supervisor(vault)
    others = sorted(
        other_blocks(record.blocks, marked=False) + other_blocks(record.blocks, marked=True),
        key=lambda block: (block.start, block.block_id),
        reverse=True,
    )
    return HoursRead(
        log_of(record, None, None), waiting, linked.card.name if linked else "", others
    )


class HoursController(QObject):
    """Drives an `HoursView` over the open vault."""

    def __init__(
        self,
        view: HoursView,
        vault: Vault,
        background: BackgroundWork,
        open_block: Callable[[int], bool],
        error_colour: Callable[[], str],
        *,
        actor: Callable[[], str] = lambda: "crucible",
        supervisor: Callable[[], str] = lambda: "",
        paper: Callable[[], str] = lambda: "letter",
        clock: Clock = system_clock,
    ) -> None:
        super().__init__(view)
        self.view = view
        self._vault = vault
        self._background = background
        self._open_block = open_block
        self._error_colour = error_colour
        self._actor = actor
        self._supervisor = supervisor
        self._paper = paper
        self._clock = clock
        self.log: HoursLog | None = None
        self.entries: list[EntryRow] = []
        self.waiting: list[BlockInRecord] = []
        self.others: list[OtherBlock] = []
        self.linked_supervisor = ""
        self.open = True
        view.finished.connect(lambda _result: setattr(self, "open", False))
        view.weeks.itemSelectionChanged.connect(self._week_chosen)
        view.entries.cellDoubleClicked.connect(lambda row, _column: self.open_entry(row))
        view.entries.itemSelectionChanged.connect(self._entry_chosen)
        view.add_contact.clicked.connect(self.add_contact)
        view.add_supervision.clicked.connect(lambda: self.add_supervision())
        view.remove_entry.clicked.connect(self.remove_selected)
        view.choose_target.clicked.connect(self.choose_target)
        view.save_log.clicked.connect(self.ask_save_log)
        view.pending.itemSelectionChanged.connect(
            lambda: view.confirm_ran.setEnabled(bool(view.pending.selectedItems()))
        )
        view.confirm_ran.clicked.connect(self.confirm_selected_ran)
        view.others.itemSelectionChanged.connect(self._other_chosen)
        view.count_relational.clicked.connect(lambda: self.mark_selected(ContactKind.RELATIONAL))
        view.count_individual.clicked.connect(lambda: self.mark_selected(ContactKind.INDIVIDUAL))
        view.dont_count.clicked.connect(lambda: self.mark_selected(None))

    def bring_forward(self) -> None:
        """Raise the window (asked for again while open)."""
        self.view.raise_()
        self.view.activateWindow()

    def reload(self) -> None:
        """Read the record and compute the log in the background, then show it."""
        vault, now = self._vault, self._clock()
        forms.show_message(self.view.message, "Counting…")
        self._background.run_read(
            lambda: load_hours(vault, now),
            while_open(lambda: self.open, self._show),
            while_open(lambda: self.open, self._failed),
        )

    def _show(self, loaded: HoursRead) -> None:
        self.linked_supervisor = loaded.supervisor
        self.show_log(loaded.log)
        self.show_waiting(loaded.waiting)
        self.show_others(loaded.others)
        self.view.decide.setVisible(bool(loaded.waiting or loaded.others))

    def show_waiting(self, waiting: list[BlockInRecord]) -> None:
        """List the blocks that would count but show no sign they ran (hidden when none)."""
        from crucible.app.domain.vocabulary import BLOCK_KIND_LABELS

        self.waiting = waiting
        view = self.view
        view.pending_box.setVisible(bool(waiting))
        which = "this block" if len(waiting) == 1 else f"these {len(waiting)} blocks"
        view.pending_heading.setText(f"Not counted: did {which} take place?")
        view.fill(
            view.pending,
            [
                [
                    block.start.date().isoformat(),
                    f"{block.start:%H:%M}–{block.end:%H:%M}"
                    if block.end is not None
                    else f"{block.start:%H:%M}",
                    BLOCK_KIND_LABELS[block.kind],
                    block.couple_code,
                    f"{block.intensive_id}, {block.block_id}",
                ]
                for block in waiting
            ],
            numeric=(),
        )
        view.confirm_ran.setEnabled(False)

    def confirm_selected_ran(self) -> None:
        """Record that the selected block took place as planned; it counts from then on."""
        from crucible.app.services.hours import mark_block

        chosen = self.view.pending.selectionModel().selectedRows()
        if not chosen or not 0 <= chosen[0].row() < len(self.waiting):
            return
        block = self.waiting[chosen[0].row()]
        if block.block_id is None:
            return
        block_id, kind = block.block_id, block.mark.contact_kind
        vault, actor, clock = self._vault, self._actor(), self._clock
        self.view.confirm_ran.setEnabled(False)
        self._write_then_recount(
            lambda: mark_block(
                vault, block_id, BlockMark(kind, confirmed_ran=True), clock=clock, actor=actor
            )
        )

    def show_others(self, others: list[OtherBlock]) -> None:
        """List the "other" blocks that ran, with how each counts (hidden when none)."""
        self.others = others
        view = self.view
        view.others_box.setVisible(bool(others))
        uncounted = sum(block.counts_as is None for block in others)
        view.others_heading.setText(
            f"Other blocks: were they contact? ({uncounted} not counted)"
            if uncounted
            else "Other blocks: counted as you decided"
        )
        view.fill(
            view.others,
            [
                [
                    block.on.isoformat(),
                    f"{block.start:%H:%M}–{block.end:%H:%M}",
                    str(block.minutes),
                    block.couple_code,
                    f"{block.intensive_id}, {block.block_id}",
                    _COUNTS_AS_WORDS[block.counts_as],
                ]
                for block in others
            ],
            numeric=(2,),
        )
        self._other_chosen()

    def selected_other(self) -> OtherBlock | None:
        """The "other" block selected in its list, if any."""
        chosen = self.view.others.selectionModel().selectedRows()
        if not chosen or not 0 <= chosen[0].row() < len(self.others):
            return None
        return self.others[chosen[0].row()]

    def _other_chosen(self) -> None:
        """Offer only the answers that would change the selected block."""
        block = self.selected_other()
        view = self.view
        view.count_relational.setEnabled(
            block is not None and block.counts_as is not ContactKind.RELATIONAL
        )
        view.count_individual.setEnabled(
            block is not None and block.counts_as is not ContactKind.INDIVIDUAL
        )
        view.dont_count.setEnabled(block is not None and block.counts_as is not None)

    def mark_selected(self, counts_as: ContactKind | None) -> None:
        """Count the selected "other" block as ``counts_as`` contact, or (None) no longer."""
        from crucible.app.services.hours import mark_other_block

        block = self.selected_other()
        if block is None:
            return
        block_id, vault, actor, clock = block.block_id, self._vault, self._actor(), self._clock
        view = self.view
        for button in (view.count_relational, view.count_individual, view.dont_count):
            button.setEnabled(False)  # until the count comes back: one answer at a time
        self._write_then_recount(
            lambda: mark_other_block(vault, block_id, counts_as, clock=clock, actor=actor)
        )

    def show_log(self, log: HoursLog) -> None:
        """Fill the window from ``log``; the latest week is selected."""
        self.log = log
        view = self.view
        preset = log.target.preset
        ratio = "" if preset.ratio is None else f" {ratio_sentence(preset.ratio)}"
        forms.show_message(view.target, f"Target: {preset.name}.{ratio}")
        view.set_progress(
            [
                (
                    item.category.label,
                    f"{hours_text(item.claimable)} of {hours_text(item.required)} claimable"
                    + (
                        f" ({hours_text(item.logged)} logged)"
                        if item.logged != item.claimable
                        else ""
                    ),
                    item.fraction,
                )
                for item in log.progress
            ]
        )
        forms.show_message(
            view.totals,
            f"Contact {hours_text(log.contact.total)} (relational "
            f"{hours_text(log.contact.relational)}, individual "
            f"{hours_text(log.contact.individual)}; claimable {hours_text(log.claimable.total)}). "
            f"Supervision {hours_text(log.supervision.total)} (individual "
            f"{hours_text(log.supervision.individual)}, group {hours_text(log.supervision.group)}"
            f", observable data {hours_text(log.supervision.observable)}). Hours:minutes.",
        )
        view.fill(
            view.weeks,
            [
                [
                    row.starts.isoformat(),
                    hours_text(row.contact.relational),
                    hours_text(row.contact.individual),
                    hours_text(row.contact.total),
                    hours_text(row.claimable.total),
                    hours_text(row.supervision.total),
                    hours_text(row.supervision.observable),
                ]
                for row in log.weeks
            ],
            numeric=(1, 2, 3, 4, 5, 6),
        )
        forms.show_message(view.message, "" if log.weeks else "No hours logged yet.")
        if log.weeks:
            view.weeks.selectRow(len(log.weeks) - 1)
        else:
            self.show_entries(None)

    def _week_chosen(self) -> None:
        rows = self.view.weeks.selectionModel().selectedRows()
        if not rows or self.log is None:
            self.show_entries(None)
            return
        self.show_entries(self.log.weeks[rows[0].row()].starts)

    def show_entries(self, week: date | None) -> None:
        """The entries behind one week's numbers (none without a week)."""
        view = self.view
        rows = [] if self.log is None or week is None else entry_rows(self.log)
        if week is not None:
            ends = week + timedelta(days=6)
            rows = [r for r in rows if week.isoformat() <= r.cells[0] <= ends.isoformat()]
        self.entries = rows
        view.entries_heading.setText(
            "Entries" if week is None else f"Entries, week of {week.isoformat()}"
        )
        view.fill(
            view.entries,
            [
                [
                    cells[0],
                    _ENTRY_WORDS.get(cells[1], cells[1]),
                    cells[2],
                    cells[3],
                    cells[4],
                    ", ".join(part for part in (cells[5], cells[6]) if part),
                    cells[7],
                    cells[9],
                ]
                for cells in (row.cells for row in rows)
            ],
            numeric=(3,),
        )
        self._entry_chosen()

    def selected_entry(self) -> EntryRow | None:
        """The entry selected in the list, if any."""
        chosen = self.view.entries.selectionModel().selectedRows()
        if not chosen or not 0 <= chosen[0].row() < len(self.entries):
            return None
        return self.entries[chosen[0].row()]

    def _entry_chosen(self) -> None:
        entry = self.selected_entry()
        self.view.remove_entry.setEnabled(entry is not None and entry.removable)

    def open_entry(self, row: int) -> bool:
        """Open the block an entry came from; False for an added entry or a block now gone."""
        if not 0 <= row < len(self.entries):
            return False
        block_id = self.entries[row].block_id
        if block_id is None:
            forms.show_message(self.view.message, "This entry was added by hand; it has no block.")
            return False
        opened = self._open_block(block_id)
        if not opened:
            forms.show_message(
                self.view.message, "That block is no longer in the casebook.", self._error_colour()
            )
        return opened

    def _write_then_recount(self, work: Callable[[], object]) -> None:
        """Run a change on the write lane; count again after it, or say why it failed."""
        self._background.run_write(
            work,
            while_open(lambda: self.open, lambda _result: self.reload()),
            while_open(lambda: self.open, self._failed),
        )

    def _failed(self, error: BaseException) -> None:
        forms.show_message(self.view.message, error_sentence(error), self._error_colour())

    # ------------------------------------------------------------------ changes

    def _today(self) -> date:
        return self._clock().date()

    def add_contact(self) -> ContactEntryDialog:
        """Ask for a contact entry; stored (after the overlap check) when OK is pressed."""
        from crucible.app.services.hours import add_manual_contact

        dialog = ContactEntryDialog(
            self.view, self._today(), self._error_colour, self.known_settings()
        )
        vault, actor, clock = self._vault, self._actor(), self._clock

        def submit() -> str | None:
            entry = dialog.entry()
            problem = entry_problem(entry.on, entry.minutes, self._today()) or setting_problem(
                entry.setting
            )
            if problem is None:
                self._store(
                    dialog, lambda: add_manual_contact(vault, entry, clock=clock, actor=actor)
                )
            return problem

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def add_supervision(self, suggested: SupervisionEntry | None = None) -> SupervisionEntryDialog:
        """Ask for a supervision entry, with the supervisor's name filled in.

        The name is the linked supervisor card's, else the profile's; with
        `suggested` (from a returned review) everything it knows is filled in.
        """
        from crucible.app.services.hours import add_supervision

        dialog = SupervisionEntryDialog(
            self.view,
            self._today(),
            self.linked_supervisor or self._supervisor(),
            self._error_colour,
            suggested,
            self.known_settings(),
        )
        vault, actor, clock = self._vault, self._actor(), self._clock

        def submit() -> str | None:
            entry = dialog.entry()
            problem = entry_problem(entry.on, entry.minutes, self._today()) or setting_problem(
                entry.setting
            )
            if problem is None:
                self._store(dialog, lambda: add_supervision(vault, entry, clock=clock, actor=actor))
            return problem

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def known_settings(self) -> list[str]:
        """The settings the log names already, offered as the entry forms' completions."""
        known = {INTENSIVES_SETTING}
        if self.log is not None:
            known.update(piece.setting for piece in self.log.pieces if piece.setting)
            known.update(e.setting for e in self.log.supervision_entries if e.setting)
        return sorted(known, key=str.casefold)

    def _store(self, dialog: PendingFormDialog, work: Callable[[], object]) -> None:
        """Run a write; close the form and count again on success, explain in it on failure."""

        def stored(_result: object) -> None:
            dialog.done_ok()
            self.reload()

        def refused(error: BaseException) -> None:
            dialog.fail(error_sentence(error))

        self._background.run_write(
            work, while_open(lambda: self.open, stored), while_open(lambda: self.open, refused)
        )

    def remove_selected(self) -> None:
        """Remove the selected entry after asking (only entries typed in can be removed)."""
        from crucible.app.services.hours import remove_entry

        entry = self.selected_entry()
        if entry is None or not entry.removable:
            return
        supervision = entry.supervision_id is not None
        entry_id = entry.supervision_id if supervision else entry.manual_id
        assert entry_id is not None  # removable: one of the two ids is set
        what = "supervision" if supervision else "contact"
        text = (
            f"Remove the {what} entry of {entry.cells[0]} ({entry.cells[3]} minutes)? "
            "The audit trail keeps a record that it was removed."
        )
        vault, actor, clock = self._vault, self._actor(), self._clock

        def remove() -> None:
            self._write_then_recount(
                lambda: remove_entry(
                    vault, supervision=supervision, entry_id=entry_id, clock=clock, actor=actor
                )
            )

        prompts.confirm(self.view, "Remove entry", text, "Remove", remove)

    def ask_save_log(self) -> ExportHoursDialog:
        """Ask for the period and the format, then where to save it."""
        from crucible.app.ui.kit.prompts import ask_save_path

        dialog = ExportHoursDialog(self.view, self._today(), self._error_colour)

        def submit() -> str | None:
            starts, ends, kind = dialog.choice()
            if starts is not None and ends is not None and starts > ends:
                return f"The period starts ({starts}) after it ends ({ends})."
            ask_save_path(
                self.view,
                "Save the hours log",
                _log_file_name(starts, ends, kind),
                "PDF files (*.pdf)" if kind == "pdf" else "CSV files (*.csv)",
                lambda path: self.save_log(path, starts, ends, kind),
                default_suffix=kind,
            )
            return None

        dialog.on_submit = submit
        dialog.open()
        return dialog

    def save_log(self, path: Path, starts: date | None, ends: date | None, kind: str) -> None:
        """Write the period's log to ``path`` on the write lane (the export is audited)."""
        from crucible.app.services.files import check_output_path
        from crucible.app.services.hours_report import export_hours_csv, export_hours_report

        vault, actor, clock, paper = self._vault, self._actor(), self._clock, self._paper()

        def work() -> Path:
            check_output_path(vault.folder, path, force=True)  # the save dialog asked
            if kind == "csv":
                return export_hours_csv(vault, path, starts, ends, clock=clock, actor=actor)
            return export_hours_report(
                vault, path, starts, ends, paper=paper, clock=clock, actor=actor
            )

        forms.show_message(self.view.message, "Saving the hours log…")
        self._background.run_write(
            work,
            while_open(
                lambda: self.open,
                lambda saved: forms.show_message(self.view.message, f"Saved {saved.name}."),
            ),
            while_open(lambda: self.open, self._failed),
        )

    def choose_target(self) -> TargetDialog | None:
        """Choose a preset or a custom target, and its dates; the bars count again after."""
        from crucible.app.services.hours import choose_target, presets

        if self.log is None:
            return None
        dialog = TargetDialog(
            self.view, presets(), self.log.target, self._today(), self._error_colour
        )
        vault, actor, clock = self._vault, self._actor(), self._clock

        def submit() -> str | None:
            preset_id, custom, starts, ends = dialog.choice()
            if custom is not None and not custom.hours:
                return "A custom target needs the hours of at least one category."
            if starts is not None and ends is not None and starts > ends:
                return f"The target starts ({starts}) after it ends ({ends})."
            custom_preset = None if custom is None else custom.preset()
            self._write_then_recount(
                lambda: choose_target(
                    vault,
                    preset_id,
                    starts=starts,
                    ends=ends,
                    custom=custom_preset,
                    clock=clock,
                    actor=actor,
                )
            )
            return None

        dialog.on_submit = submit
        dialog.open()
        return dialog


def _log_file_name(starts: date | None, ends: date | None, kind: str) -> str:
    """hours-log-2026-11-01-to-2026-11-30.pdf, or hours-log.csv for the whole log."""
    if starts is None and ends is None:
        return f"hours-log.{kind}"
    span = "-to-".join(d.isoformat() for d in (starts, ends) if d is not None)
    return f"hours-log-{span}.{kind}"

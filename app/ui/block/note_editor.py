"""The block note's behaviour: autosave, flush on demand, sign, addenda, history, reflections.

Autosave waits for about a second of quiet, then saves a revision. The save
itself runs on the background helper's writer thread, because a save of a
long note takes too close to the time a keystroke may wait (the numbers are
in docs/performance.md, "Live workspace"), so the UI thread only copies the
text and hands plain `NoteSection`s over. `save_pending()` (block switch, lock, quit) waits
for this editor's own saves (not for an import queued on the same helper)
and then saves synchronously, so nothing typed is lost. How the interpreter
shares the GIL between the UI thread and the worker is the composition
root's decision (`app.ui.shell.process_policy`), not this widget's.

A section's text goes into its editor when the section is first shown, not
when the block opens: one section is on screen at a time, and putting a
20-section note into twenty editors was 30-66 ms of every block open on
the ten-year vault (issue 16). Until then the loaded text stays in
`_unshown`, and everything that reads the draft (`sections()`, saving,
signing, a search hit) reads it from there.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QMessageBox, QPlainTextEdit

from crucible.app.domain.intensive import NoteSection
from crucible.app.services.notes import NoteState
from crucible.app.ui.block.block_services import BlockServices
from crucible.app.ui.block.note_dialogs import (
    AddendumDialog,
    HistoryDialog,
    ReflectionsDialog,
    empty_dialog,
    sign_confirmation,
)
from crucible.app.ui.block.note_editor_view import NoteEditorView
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.shell import theme
from crucible.app.ui.shell.vault_gateway import error_sentence

AUTOSAVE_MS = 1000
NO_SIGNER = "complete your profile first (File › Profile…): a signature carries your name"


class NoteEditor(QObject):
    """Keeps the open block's note in the vault as the clinician writes."""

    saved = Signal()
    """A save reached the vault (autosave or flush)."""
    state_changed = Signal()
    """A note was loaded, signed or given an addendum (`state` holds it)."""

    def __init__(
        self,
        view: NoteEditorView,
        services: BlockServices,
        background: BackgroundWork,
        timer_factory: Callable[[str], QTimer],
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.view = view
        self.services = services
        self.saves = background.scope()  # this editor's saves, apart from other work
        self.timer = timer_factory("autosave")
        self.timer.setParent(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.block_id: int | None = None
        self.intensive_id: int | None = None
        self.state: NoteState | None = None
        self.reflections = ""
        self.dialog: QDialog | QMessageBox | None = None
        self.edited = False
        self._loading = False
        self._unshown: dict[int, str] = {}
        """Loaded texts of the sections not shown since the note was loaded, by row."""
        self.autosave_ui_ms: list[float] = []
        self._watched: set[int] = set()
        self._watch_editors()
        view.sections.currentRowChanged.connect(self._fill)
        view.history.clicked.connect(self.show_history)
        view.sign.clicked.connect(self.ask_sign)
        view.addendum.clicked.connect(self.ask_addendum)
        view.reflections.clicked.connect(self.edit_reflections)

    def _watch_editors(self) -> None:
        for editor in self.view.editors:
            if id(editor) not in self._watched:
                self._watched.add(id(editor))
                editor.textChanged.connect(self._text_changed)

    # ------------------------------------------------------------------ loading

    def load(self, block_id: int, intensive_id: int, state: NoteState, reflections: str) -> None:
        """Show a block's note (the previous one must have been flushed by the caller)."""
        self.saves.discard_pending()
        self.timer.stop()
        self.block_id, self.intensive_id, self.reflections = block_id, intensive_id, reflections
        self._loading = True
        try:
            self.view.set_titles([s.title for s in state.sections])
            self._watch_editors()
            self._unshown = {}
            for row, (editor, section) in enumerate(
                zip(self.view.editors, state.sections, strict=True)
            ):
                if not editor.document().isEmpty():
                    editor.clear()  # the last block's text, never shown under this block
                self._unshown[row] = section.text
            self._fill(self.view.sections.currentRow())
        finally:
            self._loading = False
        self.edited = False
        self._show_state(state)

    def _fill(self, row: int) -> None:
        """Put a section's loaded text into its editor, the first time it is shown."""
        text = self._unshown.pop(row, None)
        if text is None:
            return
        loading, self._loading = self._loading, True
        try:
            self.view.editors[row].setPlainText(text)
        finally:
            self._loading = loading

    def clear(self) -> None:
        """Drop the note from every widget and close any dialog (the caller flushed first)."""
        self.saves.discard_pending()
        self.saves.wait()
        self.timer.stop()
        self._close_dialog()
        self._unshown = {}
        self._loading = True
        try:
            for editor in self.view.editors:
                editor.clear()
        finally:
            self._loading = False
        self.view.addenda.clear()
        self.view.status.clear()
        self.block_id = self.intensive_id = self.state = None
        self.reflections = ""
        self.edited = False

    def focus_text(self) -> None:
        """Put the cursor at the end of the shown section, to go on writing."""
        row = max(self.view.sections.currentRow(), 0)
        if row < len(self.view.editors):
            editor = self.view.editors[row]
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
            editor.moveCursor(QTextCursor.MoveOperation.End)

    def show_match(self, section_title: str | None, phrase: str) -> bool:
        """Bring forward the section (or the addenda) holding `phrase`, selected and in view.

        For a search hit: `section_title` names the section the index matched;
        if it is gone (renamed since) every section is tried, then the addenda.
        The search is Qt's (case folded); the phrase is the text as stored.
        """
        for row in list(self._unshown):
            self._fill(row)
        titles = [self.view.sections.item(i).text() for i in range(self.view.sections.count())]
        rows = [titles.index(section_title)] if section_title in titles else []
        rows += [row for row in range(len(self.view.editors)) if row not in rows]
        for row in rows:
            found = self.view.editors[row].document().find(phrase)
            if not found.isNull():
                self.view.sections.setCurrentRow(row)
                self._select(self.view.editors[row], found)
                return True
        found = self.view.addenda.document().find(phrase)
        if not found.isNull():
            self._select(self.view.addenda, found)
            return True
        return False

    @staticmethod
    def _select(editor: QPlainTextEdit, cursor: QTextCursor) -> None:
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def sections(self) -> list[NoteSection]:
        """The draft: each shown section's editor, the others' text as loaded."""
        titles = [self.view.sections.item(i).text() for i in range(self.view.sections.count())]
        unshown = self._unshown
        return [
            NoteSection(title, unshown[row] if row in unshown else editor.toPlainText())
            for row, (title, editor) in enumerate(zip(titles, self.view.editors, strict=True))
        ]

    # ------------------------------------------------------------------ saving

    def _text_changed(self) -> None:
        if self._loading or self.block_id is None:
            return
        editor = self.sender()
        if editor in self.view.editors:  # changed before it was shown: what it holds now counts
            self._unshown.pop(self.view.editors.index(editor), None)
        self.edited = True
        self.timer.start()
        self._status_line("unsaved changes")

    def autosave(self) -> None:
        """Hand the draft to the worker thread; the UI thread only copies text."""
        started = time.perf_counter()
        if self.block_id is None or self.state is None or self.state.is_signed:
            return
        block_id, sections = self.block_id, self.sections()
        self.saves.run_write(
            lambda: self.services.save_note(block_id, sections),
            self._autosaved,
            self._autosave_failed,
        )
        self._status_line("saving…")
        self.autosave_ui_ms.append((time.perf_counter() - started) * 1000)

    def save_pending(self) -> None:
        """Flush now, synchronously: on block switch, lock and quit nothing typed is lost."""
        self.timer.stop()
        self.saves.wait()
        if self.block_id is None or not self.edited or self.state is None or self.state.is_signed:
            return
        try:
            changed = self.services.save_note(self.block_id, self.sections())
        except Exception as error:  # reported; the text stays in the editor
            self._save_failed(error)
            return
        self._saved(changed)

    def _autosaved(self, changed: bool) -> None:
        self._saved(changed)

    def _autosave_failed(self, error: BaseException) -> None:
        self._save_failed(error)

    def _saved(self, changed: bool) -> None:
        if self.block_id is None or self.state is None:
            return
        if changed:  # counted here rather than read back: no query on the UI thread
            self.state = dataclasses.replace(
                self.state, revision_count=self.state.revision_count + 1
            )
        # Only the status line: re-applying the whole state would re-lay out the editor
        # under the clinician's cursor after every autosave.
        self._status_line("unsaved changes" if self.timer.isActive() else "saved")
        self.saved.emit()

    def _save_failed(self, error: BaseException) -> None:
        self._status_line(f"not saved: {error_sentence(error)}", error=True)

    # ------------------------------------------------------------------ showing

    def _show_state(self, state: NoteState, extra: str = "") -> None:
        self.state = state
        signed = state.is_signed
        for editor in self.view.editors:
            editor.setReadOnly(signed)
        self.view.sign.setEnabled(not signed)
        self.view.addendum.setEnabled(signed)
        addenda = [
            f"{a.at.strftime('%a %d %b %Y %H:%M')} · {a.by} · {a.reason}\n{a.text}"
            for a in state.addenda
        ]
        self.view.addenda.setPlainText("\n\n".join(addenda))
        self.view.addenda.setVisible(bool(addenda))
        self.view.addenda_title.setVisible(bool(addenda))
        self._status_line(extra)
        self.state_changed.emit()

    def _status_line(self, extra: str, *, error: bool = False) -> None:
        state = self.state
        if state is None:
            return
        if state.is_signed:
            assert state.signed_at is not None
            text = (
                f"Signed by {state.signed_by} on {state.signed_at.strftime('%a %d %b %Y %H:%M')}"
                f" · read-only\nSHA-256 {state.content_hash}"
            )
        else:
            count = state.revision_count
            text = f"Draft · {count} saved version{'s' if count != 1 else ''}"
        if extra:
            text += f" · {extra}"
        if self.view.status.text() != text:
            self.view.status.setText(text)
        style = f"color: {theme.error_colour()};" if error else ""
        if self.view.status.styleSheet() != style:
            self.view.status.setStyleSheet(style)

    # ------------------------------------------------------------------ dialogs

    def _open(self, dialog: QDialog | QMessageBox, on_accept: Callable[[], None]) -> None:
        self._close_dialog()
        self.dialog = dialog
        if isinstance(dialog, QMessageBox):
            # A message box's standard buttons do not end in `accepted` on every Qt
            # version (6.11 emits it for Yes, earlier ones did not): the clicked
            # button decides, read once when the box finishes.
            dialog.finished.connect(lambda _result: self._answered(dialog, on_accept))
        else:
            dialog.accepted.connect(on_accept)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        dialog.open()

    @staticmethod
    def _answered(box: QMessageBox, on_yes: Callable[[], None]) -> None:
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Yes):
            on_yes()

    def _forget(self, dialog: QDialog | QMessageBox) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            dialog, self.dialog = self.dialog, None
            empty_dialog(dialog)  # deletion is deferred; its text must not outlive the lock
            dialog.reject()

    def ask_sign(self) -> None:
        """Confirm, flush the draft, then sign: the note becomes read-only."""
        if self.block_id is None:
            return
        if not self.services.signer.strip():
            self._status_line(NO_SIGNER, error=True)
            return
        self._open(sign_confirmation(self.view, self.services.signer), self.sign)

    def sign(self) -> None:
        """Sign the note as it stands now (once: a signed note has nothing left to sign)."""
        if self.block_id is None or (self.state is not None and self.state.is_signed):
            return
        self.save_pending()
        try:
            state = self.services.sign(self.block_id, self.intensive_id)
        except Exception as error:  # reported; the note stays a draft
            self._save_failed(error)
            return
        self.edited = False
        self._show_state(state)

    def ask_addendum(self) -> None:
        """Ask for reason and text; append them under the signed note."""
        if self.block_id is None:
            return
        if not self.services.signer.strip():
            self._status_line(NO_SIGNER, error=True)
            return
        dialog = AddendumDialog(self.view)
        self._open(
            dialog, lambda: self.add_addendum(dialog.reason.text(), dialog.text.toPlainText())
        )

    def add_addendum(self, reason: str, text: str) -> None:
        """Append an addendum (never replacing anything)."""
        if self.block_id is None:
            return
        try:
            state = self.services.add_addendum(self.block_id, self.intensive_id, reason, text)
        except Exception as error:  # reported in the status line
            self._save_failed(error)
            return
        self._show_state(state)

    def show_history(self) -> None:
        """Show every saved version, to read and copy from."""
        if self.block_id is None:
            return
        self.save_pending()
        self._open(HistoryDialog(self.view, self.services.revisions(self.block_id)), lambda: None)

    def edit_reflections(self) -> None:
        """Edit the trainee's reflections on the whole intensive."""
        if self.intensive_id is None:
            return
        dialog = ReflectionsDialog(self.view, self.reflections)
        self._open(dialog, lambda: self.save_reflections(dialog.text.toPlainText()))

    def save_reflections(self, text: str) -> None:
        """Store the reflections."""
        if self.intensive_id is None:
            return
        try:
            self.services.set_reflections(self.intensive_id, text)
        except Exception as error:  # reported in the status line
            self._save_failed(error)
            return
        self.reflections = text
        self._status_line("reflections saved")

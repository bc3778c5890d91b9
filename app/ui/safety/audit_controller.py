"""The Audit trail window's behaviour: load the events, filter them, verify the chain.

The events are read once, in the background, and filtered in a proxy
model, so changing a filter is instant even on a long trail. The chain
check also runs in the background and reports either the number of events
that verify or each broken event, which is then marked in the table and
scrolled to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from crucible.app.ui.kit import forms
from crucible.app.ui.kit.background import BackgroundWork, while_open
from crucible.app.ui.safety.audit_model import AuditFilter, AuditModel
from crucible.app.ui.safety.audit_view import AuditView
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault


class AuditController(QObject):
    """Drives an `AuditView` over the open vault."""

    def __init__(
        self,
        view: AuditView,
        vault: Vault,
        background: BackgroundWork,
        error_colour: Callable[[], str],
    ) -> None:
        super().__init__(view)
        self.view = view
        self._vault = vault
        self._background = background
        self._error_colour = error_colour
        self.model = AuditModel(self)
        self.proxy = AuditFilter(self)
        self.proxy.setSourceModel(self.model)
        view.table.setModel(self.proxy)
        view.fit_columns()
        view.action.currentIndexChanged.connect(
            lambda _i: self._filter(lambda: self.proxy.set_action(view.action.currentData()))
        )
        view.intensive.currentIndexChanged.connect(
            lambda _i: self._filter(lambda: self.proxy.set_intensive(view.intensive.currentData()))
        )
        view.verify.clicked.connect(self.verify)
        self.verdict: Any = None
        self.open = True
        view.finished.connect(lambda _result: setattr(self, "open", False))
        self._fill_filters()

    def bring_forward(self) -> None:
        """Raise the window this controller drives (asked for again while open)."""
        self.view.raise_()
        self.view.activateWindow()

    def reload(self) -> None:
        """Read every event (in the background) and show them."""
        vault = self._vault

        def work() -> list[Any]:
            from crucible.app.services.audit_log import list_events

            return list_events(vault)

        self._background.run(
            work,
            while_open(lambda: self.open, self._loaded),
            while_open(lambda: self.open, self._failed),
        )

    def _loaded(self, entries: list[Any]) -> None:
        self.model.set_entries(entries)
        self._fill_filters()
        self.view.table.scrollToBottom()  # the newest events are usually the interesting ones

    def _fill_filters(self) -> None:
        view = self.view
        for combo, everything, items in (
            (view.action, "All actions", [(a, a) for a in self.model.actions()]),
            (
                view.intensive,
                "All intensives",
                [(f"Intensive {i}", i) for i in self.model.intensive_ids()],
            ),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
            combo.blockSignals(False)
        self.proxy.set_action(view.action.currentData())
        self.proxy.set_intensive(view.intensive.currentData())
        self._show_count()

    def _filter(self, change: Callable[[], None]) -> None:
        change()
        self._show_count()

    def _show_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.view.count.setText(
            f"{total} events" if shown == total else f"{shown} of {total} events"
        )

    # ------------------------------------------------------------------ verify

    def verify(self) -> None:
        """Recompute the hash chain in the background and show the verdict."""
        vault = self._vault

        def work() -> Any:
            from crucible.app.services.audit_log import verify

            return verify(vault)

        self.view.verify.setEnabled(False)
        self.view.busy.show()
        forms.show_message(self.view.verdict, "Checking the chain…")
        self._background.run(
            work,
            while_open(lambda: self.open, self._verified),
            while_open(lambda: self.open, self._failed),
        )

    def _verified(self, verdict: Any) -> None:
        self.verdict = verdict
        self.view.verify.setEnabled(True)
        self.view.busy.hide()
        if verdict.ok:
            self.model.set_broken(set())
            forms.show_message(
                self.view.verdict,
                f"The chain verifies: all {verdict.events} events are as written, in order.",
            )
            return
        from crucible.app.services.audit_log import chain_problem_sentence

        broken = set(verdict.broken_ids)
        self.model.set_broken(broken)
        forms.show_message(
            self.view.verdict,
            "The chain is broken. " + "; ".join(map(chain_problem_sentence, verdict.breaks)),
            self._error_colour(),
        )
        self._show_first_broken(broken)

    def _show_first_broken(self, broken: set[int]) -> None:
        rows = sorted(r for r in (self.model.row_of(i) for i in broken) if r is not None)
        if not rows:
            return
        source = self.model.index(rows[0], 0)
        if not self.proxy.mapFromSource(source).isValid():  # filtered out: show everything
            self.view.action.setCurrentIndex(0)
            self.view.intensive.setCurrentIndex(0)
        index = self.proxy.mapFromSource(source)
        self.view.table.selectRow(index.row())
        self.view.table.scrollTo(index)

    def _failed(self, error: BaseException) -> None:
        self.view.verify.setEnabled(True)
        self.view.busy.hide()
        forms.show_message(self.view.verdict, error_sentence(error), self._error_colour())

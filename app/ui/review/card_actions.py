"""Tools › Export my card… / Import a card… / Cards…: identities for the review loop.

Importing a card is the moment trust is decided, so the fingerprint is
shown in full with the instruction to compare it with its owner by phone
or in person, and nothing is stored unless the clinician says it matches.
A trainee importing a supervisor's card can link it in the same step;
only the linked card's return packages are accepted later.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox, QWidget

from crucible.app.domain.vocabulary import Role
from crucible.app.services.errors import VaultError
from crucible.app.ui.kit.prompts import ask_open_path, ask_save_path, confirm, show_error, show_info
from crucible.app.ui.review.cards_dialog import CardsDialog
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.services.profile import ClinicianProfile
    from crucible.app.services.vault_handle import Vault

CARD_FILTER = "Crucible card (*.crucible-card)"


def fingerprint_question(card: Any) -> str:
    """What the clinician is asked before a card is trusted."""
    return (
        f"{card.name} ({card.role.value})\n\nFingerprint:\n{card.fingerprint}\n\n"
        f"Read these groups to {card.name} by phone or in person, or have them read theirs "
        "to you. Import the card only if every group matches: anyone can make a card with "
        "a name on it, but not one with their fingerprint."
    )


class CardActions:
    """Export this vault's card, import and confirm someone's, list, remove and link cards."""

    def __init__(
        self,
        vault: Vault,
        window: QWidget,
        actor: Callable[[], str],
        profile: Callable[[], ClinicianProfile | None],
    ) -> None:
        self.vault = vault
        self.window = window
        self._actor = actor
        self._profile = profile
        self.dialog: CardsDialog | None = None
        self.question: QMessageBox | None = None

    # ------------------------------------------------------------------ export

    def ask_export(self) -> None:
        """Choose where to write this vault's card."""
        profile = self._profile()
        stem = "-".join((profile.name if profile else "my").split()) or "my"
        ask_save_path(
            self.window,
            "Export my card",
            f"{stem}.crucible-card",
            CARD_FILTER,
            self.export_to,
            default_suffix="crucible-card",
        )

    def export_to(self, path: Path) -> None:
        """Write the card and show its fingerprint (to be read to the other person)."""
        from crucible.app.services.identity import export_card

        try:
            card = export_card(self.vault, path, actor=self._actor())
        except VaultError as error:
            show_error(self.window, error_sentence(error))
            return
        show_info(
            self.window,
            f"Your card is in {path.name}. Its fingerprint, to read to the person you "
            f"give it to:\n\n{card.fingerprint}",
            "Card exported",
        )

    # ------------------------------------------------------------------ import

    def ask_import(self) -> None:
        """Choose a card file to import."""
        ask_open_path(self.window, "Import a card", CARD_FILTER, self.import_from)

    def import_from(self, path: Path) -> None:
        """Read the card, show its fingerprint (``self.question``), store it only if confirmed."""
        from crucible.app.services.identity import read_card_file

        try:
            card = read_card_file(path)
        except VaultError as error:
            show_error(self.window, error_sentence(error))
            return
        profile = self._profile()
        can_link = card.role is Role.SUPERVISOR and profile is not None
        can_link = can_link and profile is not None and profile.role is Role.TRAINEE
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Crucible — Compare the fingerprint")
        box.setText(fingerprint_question(card))
        link = None
        if can_link:
            link = box.addButton(
                "They match: import and link as my supervisor", QMessageBox.ButtonRole.AcceptRole
            )
        plain = box.addButton("They match: import", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def finished() -> None:
            self.question = None
            chosen = box.clickedButton()
            if chosen is plain or (link is not None and chosen is link):
                self._store(card, link_as_supervisor=chosen is link)

        box.finished.connect(finished)
        box.open()
        self.question = box

    def _store(self, card: Any, *, link_as_supervisor: bool) -> None:
        from crucible.app.services.identity import import_card

        try:
            import_card(
                self.vault, card, actor=self._actor(), link_as_supervisor=link_as_supervisor
            )
        except VaultError as error:
            show_error(self.window, error_sentence(error))
            return
        linked = " and linked as your supervisor's" if link_as_supervisor else ""
        show_info(self.window, f"{card.name}'s card was imported{linked}.", "Card imported")
        self._refresh()

    # ------------------------------------------------------------------ the list

    def open_list(self) -> CardsDialog:
        """Show Tools › Cards… (or bring it forward)."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = CardsDialog(self.window)
        dialog.remove.clicked.connect(self._ask_remove)
        dialog.link.clicked.connect(self._link)
        dialog.destroyed.connect(lambda _o=None: setattr(self, "dialog", None))
        self.dialog = dialog
        self._refresh()
        dialog.show()
        return dialog

    def _refresh(self) -> None:
        from crucible.app.services.identity import list_cards, own_card

        if self.dialog is None:
            return
        try:
            own = own_card(self.vault, actor=self._actor())
            self.dialog.own.setText(f"Your card: {own.name} · fingerprint {own.fingerprint}")
        except VaultError as error:
            self.dialog.own.setText(error_sentence(error))
        rows = [
            (
                s.id,
                s.card.name,
                s.card.role.value,
                s.card.fingerprint,
                f"{s.imported_at:%Y-%m-%d}",
                s.is_supervisor,
            )
            for s in list_cards(self.vault)
        ]
        self.dialog.show_cards(rows)

    def _ask_remove(self) -> None:
        dialog = self.dialog
        card_id = dialog.chosen_id() if dialog is not None else None
        if dialog is None or card_id is None:
            return
        confirm(
            dialog,
            "Remove card",
            "Remove this card? Packages from its owner will then ask for the fingerprint again; "
            "reviews already received keep their own copy.",
            "Remove",
            lambda: self._remove(card_id),
        )

    def _remove(self, card_id: int) -> None:
        from crucible.app.services.identity import remove_card

        try:
            remove_card(self.vault, card_id, actor=self._actor())
        except VaultError as error:
            show_error(self.window, error_sentence(error))
        self._refresh()

    def _link(self) -> None:
        from crucible.app.services.identity import link_supervisor_card

        card_id = self.dialog.chosen_id() if self.dialog is not None else None
        if card_id is None:
            return
        try:
            link_supervisor_card(self.vault, card_id, actor=self._actor())
        except VaultError as error:
            show_error(self.window, error_sentence(error))
        self._refresh()

    def close(self) -> None:
        """Close the dialogs (at lock)."""
        for widget in (self.dialog, self.question):
            if widget is not None:
                widget.close()
        self.dialog = None
        self.question = None

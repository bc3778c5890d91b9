"""The review loop in the app: send, open either package, the Reviews section, open reviews.

It owns no window of its own: it carries out File › Send for review… and
File › Open review package… (sealing and opening run off the UI thread),
fills the casebook's Reviews section, and opens one ReviewWindow per
review. A package from someone whose card this vault does not hold yet is
opened in two steps: the seal and signature are checked and the sender's
fingerprint is shown; only if the clinician says it matches is anything
stored. Locking closes every window it opened.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QMessageBox, QWidget

from crucible.app.ui.casebook.casebook_access import CasebookAccess
from crucible.app.ui.casebook.navigator_model import INTENSIVE
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.kit.prompts import ask_open_path, ask_save_path, show_error, show_info
from crucible.app.ui.review.card_actions import fingerprint_question
from crucible.app.ui.review.cosigned_mark import CosignedMark
from crucible.app.ui.review.reviews_section import ReviewIdRole, ReviewsSectionView
from crucible.app.ui.shell.vault_gateway import error_sentence

if TYPE_CHECKING:
    from crucible.app.domain.intensive import Intensive
    from crucible.app.domain.review import IntensiveReview
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.review.returned_review_dialog import ReturnedReviewDialog
    from crucible.app.ui.review.review_controller import ReviewController

PACKAGE_FILTER = "Crucible review (*.crucible-review)"


class ReviewDesk:
    """Sending, opening and reviewing, for one unlocked stretch."""

    def __init__(
        self,
        vault: Vault,
        window: QWidget,
        background: BackgroundWork,
        casebook: CasebookAccess,
        section: ReviewsSectionView,
        mark: CosignedMark,
        count_in_hours: Callable[[Any], object] | None = None,
    ) -> None:
        self.vault = vault
        self.window = window
        self.background = background
        self.casebook = casebook
        self.section = section
        self.mark = mark
        self._count_in_hours = count_in_hours
        """Opens Tools › Hours' supervision form filled in from a returned review."""
        self.reviews: dict[int, ReviewController] = {}
        self.question: QMessageBox | None = None
        self.returned: ReturnedReviewDialog | None = None
        self.last_opened: Any = None
        """What the latest package turned out to be (`OpenedFile`), for the status and tests."""
        section.list.activated.connect(self._activated)
        section.list.doubleClicked.connect(self._activated)
        section.open_button.clicked.connect(lambda: self._activated(section.list.currentIndex()))
        self.refresh()

    # ------------------------------------------------------------------ the Reviews section

    def refresh(self) -> None:
        """Reload the Reviews list (shown when reviews exist or the owner is a supervisor)."""
        from crucible.app.domain.vocabulary import Role
        from crucible.app.services.review_inbox import list_reviews

        listings = list_reviews(self.vault)
        self.section.show_reviews(listings)
        profile = self.casebook.profile
        supervisor = profile is not None and profile.role is Role.SUPERVISOR
        self.section.setVisible(bool(listings) or supervisor)

    def _activated(self, index: QModelIndex) -> None:
        review_id = index.data(ReviewIdRole)
        if review_id is not None:
            self.open_review(int(review_id))

    def open_review(self, review_id: int) -> ReviewController:
        """Open a review's window (or bring it forward)."""
        from crucible.app.ui.block.keymap import KeyMap
        from crucible.app.ui.review.review_controller import ReviewController
        from crucible.app.ui.review.review_window import ReviewWindow

        if review_id in self.reviews:
            view = self.reviews[review_id].view
            view.raise_()
            view.activateWindow()
            return self.reviews[review_id]
        view = ReviewWindow(self.window, KeyMap())
        controller = ReviewController(
            view,
            self.vault,
            review_id,
            actor=lambda: self.casebook.actor,
            background=self.background,
            error_colour=self.casebook.error_colour,
        )
        controller.changed.connect(self.refresh)
        view.destroyed.connect(lambda _o=None, r=review_id: self.reviews.pop(r, None))
        self.reviews[review_id] = controller
        view.show()
        return controller

    # ------------------------------------------------------------------ send

    def ask_send(self) -> None:
        """File › Send for review…: the selected supervised intensive, to the linked supervisor."""
        from crucible.app.services.identity import linked_supervisor

        key = self.casebook.parent_key(INTENSIVE)
        if key is None:
            show_error(self.window, "Select the intensive to send for review.", "Nothing selected")
            return
        supervisor = linked_supervisor(self.vault)
        if supervisor is None:
            show_error(
                self.window,
                "Import your supervisor's card first (Tools › Import a card…) and link it "
                "as your supervisor's.",
            )
            return
        code = self.casebook.intensive_of(key)
        stem = getattr(code, "couple_code", None) or f"intensive-{key[1]}"
        ask_save_path(
            self.window,
            "Send for review",
            f"{stem}-review.crucible-review",
            PACKAGE_FILTER,
            lambda path: self.send(key[1], str(supervisor.id), path),
            default_suffix="crucible-review",
        )

    def send(self, intensive_id: int, recipient: str, path: Path) -> None:
        """Seal the de-identified intensive to the supervisor's card, off the UI thread."""
        vault, actor = self.vault, self.casebook.actor

        def work() -> Any:
            from crucible.app.services.review_send import send_for_review

            return send_for_review(vault, intensive_id, recipient, path, actor=actor)

        def done(sent: Any) -> None:
            show_info(
                self.window,
                f"Written to {sent.path.name}, de-identified and sealed to "
                f"{sent.recipient.name}'s card: only their vault can open it.",
                "Sent for review",
            )

        self.background.run(work, done, self._failed)

    # ------------------------------------------------------------------ what came back

    def show_returned(self) -> ReturnedReviewDialog | None:
        """File › Returned review…: the selected intensive's returned review, read-only."""
        from crucible.app.domain.review import review_agreement
        from crucible.app.domain.review_format import changed_after_review_line, cosignature_line
        from crucible.app.services.review_return import review_report
        from crucible.app.services.review_send import package_intensive
        from crucible.app.ui.review.returned_review_dialog import ReturnedReviewDialog

        key = self.casebook.parent_key(INTENSIVE)
        if key is None:
            show_error(
                self.window, "Select the intensive whose review came back.", "Nothing selected"
            )
            return None
        review = review_report(self.vault, key[1])
        if review is None:
            show_error(self.window, "No review has come back for this intensive yet.", "No review")
            return None
        # The positions and titles as the supervisor saw them (de-identified, as sent).
        shown = package_intensive(self.vault, key[1])
        dialog = ReturnedReviewDialog(self.window)
        dialog.heading.setText(f"Returned review: {shown.couple.code} · {shown.title}")
        dialog.signed.setText(cosignature_line(review))
        dialog.show_flag(changed_after_review_line(shown, review), self.casebook.error_colour())
        dialog.comments.setPlainText(comments_text(review, shown))
        dialog.agreement.show_agreement(shown, review_agreement(shown, review.supervisor_layer))
        self.returned = dialog
        dialog.destroyed.connect(lambda _o=None: setattr(self, "returned", None))
        dialog.show()
        return dialog

    # ------------------------------------------------------------------ open

    def ask_open_package(self) -> None:
        """File › Open review package…: a trainee's review or a supervisor's return."""
        ask_open_path(self.window, "Open review package", PACKAGE_FILTER, self.open_package)

    def open_package(self, path: Path) -> None:
        """Check the seal and signature; ask about an unknown sender; then store it."""
        vault, actor = self.vault, self.casebook.actor

        def check() -> tuple[Any, bool]:
            from crucible.app.services.identity import list_cards
            from crucible.app.services.review_open import read_package_bytes, unseal

            opened = unseal(vault, read_package_bytes(path), actor=actor)
            known = {s.card.fingerprint for s in list_cards(vault)}
            return opened.sender, opened.sender.fingerprint in known

        def checked(result: tuple[Any, bool]) -> None:
            sender, known = result
            if known:
                self._store(path, None)
            else:
                self._ask_sender(path, sender)

        self.background.run(check, checked, self._failed)

    def _ask_sender(self, path: Path, sender: Any) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Crucible — A package from someone new")
        box.setText(
            "The package is sealed to you and signed by a card this vault does not hold yet.\n\n"
            + fingerprint_question(sender)
        )
        yes = box.addButton("They match: open it", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def finished() -> None:
            self.question = None
            if box.clickedButton() is yes:
                self._store(path, sender.fingerprint)

        box.finished.connect(finished)
        box.open()
        self.question = box

    def _store(self, path: Path, accepted: str | None) -> None:
        vault, actor = self.vault, self.casebook.actor

        def work() -> Any:
            from crucible.app.services.review_open import open_package_file

            return open_package_file(
                vault, path, confirm=lambda card: card.fingerprint == accepted, actor=actor
            )

        self.background.run(work, self._opened, self._failed)

    def _opened(self, opened: Any) -> None:
        self.last_opened = opened
        if opened.kind == "review":
            self.refresh()
            show_info(
                self.window,
                f"This was a review package from {opened.sender.name}. It is in the Reviews "
                "section, read-only; your comments, coding and co-signature go beside it.",
                "Review package opened",
            )
            self.open_review(opened.review_id)
            return
        changed = opened.changed_after_review
        flagged = (
            " Notes of block "
            + ", ".join(str(p) for p in changed)
            + " gained an addendum after it was sent: they are flagged as added after review."
            if changed
            else ""
        )
        from crucible.app.services.review_return import cosigned_intensives

        self.mark.set_cosigned(cosigned_intensives(self.vault))
        self.casebook.refresh((INTENSIVE, opened.intensive_id))
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Crucible — Return package opened")
        box.setText(
            f"This was {opened.sender.name}'s return of your review. Their comments, coding, "
            f"agreement and co-signature are stored beside the intensive.{flagged}"
        )
        hours = box.addButton("Count it in my hours…", QMessageBox.ButtonRole.ActionRole)
        hours.setVisible(self._count_in_hours is not None)
        box.setDefaultButton(box.addButton(QMessageBox.StandardButton.Ok))
        intensive_id = opened.intensive_id

        def finished() -> None:
            self.question = None
            if box.clickedButton() is hours:
                self.count_in_hours(intensive_id)

        box.finished.connect(finished)
        box.open()
        self.question = box

    def count_in_hours(self, intensive_id: int) -> None:
        """Open the Hours supervision form filled in from the returned review (minutes to check)."""
        from crucible.app.domain.hours_review import supervision_for_review
        from crucible.app.services.review_return import review_report

        review = review_report(self.vault, intensive_id)
        if review is None or self._count_in_hours is None:
            return
        self._count_in_hours(supervision_for_review(review, intensive_id))

    def _failed(self, error: BaseException) -> None:
        show_error(self.window, error_sentence(error))

    def close(self) -> None:
        """Close every review window and question (at lock)."""
        for widget in (self.question, self.returned):
            if widget is not None:
                widget.close()
        self.question = None
        self.returned = None
        for controller in list(self.reviews.values()):
            controller.set_coding(False)
            controller.view.close()
        self.reviews.clear()


def comments_text(review: IntensiveReview, intensive: Intensive) -> str:
    """The supervisor's comments as plain text, on the intensive first, then block by block."""
    from crucible.app.domain.review import numbered_blocks
    from crucible.app.domain.review_format import block_label

    blocks = numbered_blocks(intensive)
    groups: list[tuple[str, int | None]] = [("On the intensive", None)]
    groups += [
        (block_label(p, blocks[p - 1]) if 1 <= p <= len(blocks) else f"Block {p}", p)
        for p in sorted({c.block for c in review.comments if c.block is not None})
    ]
    parts = []
    for title, position in groups:
        comments = review.comments_on(position)
        if comments:
            parts.append(title + "\n" + "\n".join(f"  {c.text}" for c in comments))
    return "\n\n".join(parts) or "The supervisor left no comments."

"""Everything that exists while the vault is open, built in one place.

`compose` is the desktop app's one composition root for the unlocked state:
it makes the casebook view and gives each controller its own widgets and
what it needs of the others (a Protocol, a callable, or a signal connected
here), so no controller reaches into another's widgets. The session
(session.py) decides *when* to compose and to tear down; the menus
(menu_routes.py) connect to the bound methods of what is built here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from crucible.app.services.settings import Settings
from crucible.app.ui.kit.background import BackgroundWork
from crucible.app.ui.shell.block_slot import BlockWorkspaceSlot
from crucible.app.ui.shell.profile_controller import ProfileController

if TYPE_CHECKING:  # the casebook loads the services: only after an unlock
    from crucible.app.services.profile import ClinicianProfile
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.casebook.casebook_controller import CasebookController, Place
    from crucible.app.ui.casebook.casebook_edits import CasebookEdits
    from crucible.app.ui.casebook.casebook_view import CasebookView
    from crucible.app.ui.casebook.file_actions import FileActions
    from crucible.app.ui.casebook.search_controller import SearchController
    from crucible.app.ui.hours.hours_opener import HoursOpener
    from crucible.app.ui.review.card_actions import CardActions
    from crucible.app.ui.review.review_desk import ReviewDesk
    from crucible.app.ui.shell.process_policy import MemoryPolicy


class Composition:
    """The unlocked session's parts: casebook, edits, files, profile, block workspace, search."""

    def __init__(
        self,
        vault: Vault,
        view: CasebookView,
        casebook: CasebookController,
        edits: CasebookEdits,
        files: FileActions,
        profile: ProfileController,
        blocks: BlockWorkspaceSlot,
        search: SearchController,
        hours: HoursOpener,
        reviews: ReviewDesk,
        cards: CardActions,
    ) -> None:
        self.vault = vault
        self.screen = view
        """The casebook screen the window shows while the vault is open."""
        self.casebook = casebook
        self.edits = edits
        self.files = files
        self.profile = profile
        self.blocks = blocks
        self.search = search
        self.hours = hours
        self.reviews = reviews
        self.cards = cards

    def teardown(self) -> Place:
        """Drop every piece of client text; returns where the clinician was, for the next unlock.

        The block workspace saves its draft first; the screen is left for the
        caller to take off the window's stack and delete.
        """
        self.search.close()
        self.hours.close()
        self.reviews.close()
        self.cards.close()
        self.blocks.close()
        place = self.casebook.place()
        self.casebook.teardown()
        self.profile.deleteLater()  # the slot goes with the view
        return place


def compose(
    vault: Vault,
    *,
    window: QWidget,
    background: BackgroundWork,
    settings: Callable[[], Settings],
    error_colour: Callable[[], str],
    place: Place | None = None,
    memory: MemoryPolicy | None = None,
) -> Composition:
    """Build the unlocked workspace over `vault`, back at `place` if there is one."""
    from crucible.app.services.profile import get_profile
    from crucible.app.ui.casebook.casebook_controller import CasebookController
    from crucible.app.ui.casebook.casebook_edits import CasebookEdits
    from crucible.app.ui.casebook.casebook_view import CasebookView
    from crucible.app.ui.casebook.file_actions import FileActions
    from crucible.app.ui.casebook.navigator_model import BLOCK
    from crucible.app.ui.casebook.search_controller import SearchController
    from crucible.app.ui.hours.hours_opener import HoursOpener

    profiles = ProfileController(vault, get_profile(vault), window, error_colour)
    complete = None if profiles.incomplete() else profiles.profile
    view = CasebookView()
    blocks = BlockWorkspaceSlot(
        vault,
        signer=profiles.signer(),
        settings=settings,
        background=background,
        memory=memory,
        parent=view,
    )
    view.details.set_block_workspace(blocks.open)
    casebook = CasebookController(view, vault, profile=complete, error_colour=error_colour)
    edits = CasebookEdits(casebook, view.details, vault, window)
    files = FileActions(casebook, view.details, vault, window, background, settings)
    blocks.live_mode_changed.connect(casebook.set_live)
    blocks.status_changed.connect(casebook.show_block_status)
    profiles.changed.connect(lambda profile: _use_profile(profile, casebook, blocks))
    if place is not None:
        casebook.restore(place)
    search = SearchController(vault, window, background, casebook, lambda: blocks.workspace)
    hours = HoursOpener(
        vault,
        window,
        background,
        lambda block: casebook.open_item((BLOCK, block)),
        error_colour,
        actor=profiles.actor,
        supervisor=lambda: (profiles.profile.supervisor or "") if profiles.profile else "",
        paper=lambda: str(settings().paper),
    )
    reviews, cards = _review_parts(vault, window, background, view, casebook, hours)
    return Composition(
        vault, view, casebook, edits, files, profiles, blocks, search, hours, reviews, cards
    )


def _review_parts(
    vault: Vault,
    window: QWidget,
    background: BackgroundWork,
    view: CasebookView,
    casebook: CasebookController,
    hours: HoursOpener,
) -> tuple[ReviewDesk, CardActions]:
    """The review loop (app/ui/review): the Reviews section, the co-signed mark, the cards."""
    from crucible.app.services.review_return import cosigned_intensives
    from crucible.app.ui.review.card_actions import CardActions
    from crucible.app.ui.review.cosigned_mark import CosignedMark
    from crucible.app.ui.review.review_desk import ReviewDesk
    from crucible.app.ui.review.reviews_section import ReviewsSectionView

    section = ReviewsSectionView()
    view.side.addWidget(section)
    mark = CosignedMark(view.tree)
    mark.set_cosigned(cosigned_intensives(vault))
    view.tree.setItemDelegate(mark)
    desk = ReviewDesk(
        vault,
        window,
        background,
        casebook,
        section,
        mark,
        count_in_hours=lambda entry: hours.open().add_supervision(entry),
    )
    cards = CardActions(vault, window, lambda: casebook.actor, lambda: casebook.profile)
    return desk, cards


def _use_profile(
    profile: ClinicianProfile | None, casebook: CasebookController, blocks: BlockWorkspaceSlot
) -> None:
    """A saved profile: new intensives, audit events and signatures carry the new name."""
    casebook.set_profile(profile)
    if profile is not None:
        blocks.set_signer(profile.signature)

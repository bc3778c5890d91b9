"""What the casebook's edits and file actions may use of the navigator: no widgets.

`CasebookEdits` and `FileActions` act on the selected item and reload the
tree afterwards; they get the navigator's controller as this Protocol, so
they cannot reach into its view (the session composes them,
app/ui/shell/composition.py). Their own buttons and form fields come from
`DetailsView`, handed to them by the composition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from crucible.app.services.casebook import (
        BlockOutline,
        CoupleOutline,
        DayOutline,
        IntensiveOutline,
    )
    from crucible.app.services.profile import ClinicianProfile
    from crucible.app.ui.casebook.navigator_model import ItemKey


class CasebookAccess(Protocol):
    """The selection, the summaries behind it, a reload, and who is acting."""

    @property
    def actor(self) -> str:
        """Whom the audit trail names for an edit."""

    @property
    def profile(self) -> ClinicianProfile | None:
        """The complete clinician profile, or None before there is one."""

    def error_colour(self) -> str:
        """The error text colour of the current theme."""

    def parent_key(self, kind: str) -> ItemKey | None:
        """The selected item's ancestor (or itself) of this kind."""

    def couple_of(self, key: ItemKey) -> CoupleOutline | None:
        """The couple a key names."""

    def intensive_of(self, key: ItemKey) -> IntensiveOutline | None:
        """The intensive a key names."""

    def day_of(self, key: ItemKey) -> DayOutline | None:
        """The day a key names."""

    def block_of(self, key: ItemKey) -> BlockOutline | None:
        """The block a key names."""

    def showing_archived(self) -> bool:
        """Whether archived intensives are listed."""

    def refresh(self, select: ItemKey | None = None) -> None:
        """Reload the tree, then select `select` (or keep the selection)."""

    def refresh_within(self, scope: ItemKey | None, select: ItemKey | None = None) -> None:
        """Update the rows of the one couple or intensive an edit changed, then select."""

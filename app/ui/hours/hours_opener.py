"""Tools › Hours: one Hours window at a time over the open vault, closed at lock."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from crucible.app.ui.kit.background import BackgroundWork

if TYPE_CHECKING:
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.hours.hours_controller import HoursController


class HoursOpener:
    """Opens the Hours window (or brings it forward), and closes it when the vault locks."""

    def __init__(
        self,
        vault: Vault,
        window: QWidget,
        background: BackgroundWork,
        open_block: Callable[[int], bool],
        error_colour: Callable[[], str],
        *,
        actor: Callable[[], str] = lambda: "crucible",
        supervisor: Callable[[], str] = lambda: "",
        paper: Callable[[], str] = lambda: "letter",
    ) -> None:
        self._vault = vault
        self._actor = actor
        self._supervisor = supervisor
        self._paper = paper
        self._window = window
        self._background = background
        self._open_block = open_block
        self._error_colour = error_colour
        self.controller: HoursController | None = None

    def open(self) -> HoursController:
        """Show the Hours window, counting afresh each time it opens."""
        from crucible.app.ui.hours.hours_controller import HoursController
        from crucible.app.ui.hours.hours_view import HoursView

        if self.controller is not None:
            self.controller.bring_forward()
            return self.controller
        view = HoursView(self._window)
        controller = HoursController(
            view,
            self._vault,
            self._background,
            self._open_block,
            self._error_colour,
            actor=self._actor,
            supervisor=self._supervisor,
            paper=self._paper,
        )
        self.controller = controller
        view.destroyed.connect(lambda _obj=None: setattr(self, "controller", None))
        view.show()
        controller.reload()
        return controller

    def close(self) -> None:
        """Close the window (at lock): no hours or couple codes stay on screen."""
        if self.controller is not None:
            self.controller.open = False
            self.controller.view.close()
            self.controller = None

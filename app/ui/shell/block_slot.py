"""The one block workspace of an unlocked session, built when the first block is opened.

The details page asks this slot for the widget to show whenever the
selection moves (`DetailsView.set_block_workspace`). One workspace lives as
long as the unlocked session, so its undo history, live mode and loaded
timeline survive block switches; the note draft is saved whenever the
selection moves. pyqtgraph and the analytics load on the first block
opened, never at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from crucible.app.services.settings import Settings

if TYPE_CHECKING:  # pyqtgraph and the analytics load with the first block
    from crucible.app.services.vault_handle import Vault
    from crucible.app.ui.block import BlockController
    from crucible.app.ui.kit.background import BackgroundWork
    from crucible.app.ui.shell.process_policy import MemoryPolicy


class BlockWorkspaceSlot(QObject):
    """Builds, shows and tears down the session's block workspace; relays its two signals."""

    live_mode_changed = Signal(bool)
    """Live mode started (True) or ended (False) in the workspace."""
    status_changed = Signal(object)
    """The open block's `BlockStatus` changed (logging, undo, signing, addenda)."""

    def __init__(
        self,
        vault: Vault,
        *,
        signer: str,
        settings: Callable[[], Settings],
        background: BackgroundWork,
        memory: MemoryPolicy | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._vault = vault
        self._signer = signer
        self._settings = settings
        self._background = background
        self._memory = memory  # None in tests that build a session without the root's policy
        self.workspace: BlockController | None = None

    def open(self, intensive_id: int | None, block_id: int | None) -> QWidget | None:
        """Show a block (build the workspace on first use); (None, None) saves and hides it."""
        if block_id is None:
            if self.workspace is not None:
                self.workspace.save_pending()
            return self.workspace
        if self.workspace is None:
            self.workspace = self._build()
        if intensive_id is not None:
            self.workspace.show_block(intensive_id, block_id)
        return self.workspace

    def _build(self) -> BlockController:
        from crucible.app.ui.block import BlockController, BlockServices
        from crucible.app.ui.block.keymap import key_map_for

        settings = self._settings()
        workspace = BlockController(
            BlockServices(self._vault, signer=self._signer),
            flip_window_s=settings.flip_window_s,
            key_map=key_map_for(settings.key_layout),
            background=self._background,
        )
        if self._memory is not None:
            workspace.block_opened.connect(self._memory.block_opened)
        workspace.live_mode_changed.connect(self.live_mode_changed)
        workspace.status_changed.connect(self.status_changed)
        return workspace

    def set_signer(self, signer: str) -> None:
        """Sign in a new name from now on (the profile was saved)."""
        self._signer = signer
        if self.workspace is not None:
            self.workspace.services.signer = signer

    def close(self) -> None:
        """At lock: keep a draft typed just now, then drop everything the workspace shows."""
        if self.workspace is not None:
            self.workspace.save_pending()
            self.workspace.clear()
            self.workspace = None  # torn down with the casebook view it sits in
            if self._memory is not None:
                self._memory.release()

"""What the block page's record line says about the open block, as the workspace changes it.

The workspace emits a `BlockStatus` after every change that moves it (an
observation logged, edited away by undo or deleted; the note signed; an
addendum added), so the line under the block's title and the navigator
follow the session instead of the casebook as it was loaded.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BlockStatus:
    """The counts behind the block page's "Signed note, 1 addendum; 20 observations"."""

    block_id: int
    observations: int
    signed: bool
    addenda: int = 0

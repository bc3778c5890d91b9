"""The analytics of a stored intensive, for the CLI, the app and the reports alike."""

from __future__ import annotations

from crucible.app.domain.analytics import (
    DEFAULT_FLIP_WINDOW_S,
    IntensiveSummary,
    summarize_intensive,
)
from crucible.app.services.errors import InputError
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.store.vault import Vault

MAX_FLIP_WINDOW_S = 3600


def intensive_summary(
    vault: Vault,
    intensive_id: int,
    *,
    flip_window_s: int = DEFAULT_FLIP_WINDOW_S,
    deidentify: bool = False,
) -> IntensiveSummary:
    """Compute every figure of one intensive from what the vault holds."""
    if not 0 <= flip_window_s <= MAX_FLIP_WINDOW_S:
        raise InputError(
            f"The flip window must be 0 to {MAX_FLIP_WINDOW_S} seconds, not {flip_window_s}."
        )
    intensive = get_intensive(vault, intensive_id)
    return summarize_intensive(intensive, flip_window_s=flip_window_s, deidentify=deidentify)

"""The analytics of a stored intensive, for the CLI, the app and the reports alike."""

from __future__ import annotations

from crucible.app.domain.analytics import (
    DEFAULT_FLIP_WINDOW_S,
    IntensiveSummary,
    summarize_intensive,
)
from crucible.app.services.errors import InputError, NotFoundError
from crucible.app.store.intensive_figures import load_intensive_for_figures
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
    # Only what the figures use (no notes, no free text): reading the whole
    # intensive through the ORM was most of this call on a big one (issue 16).
    with vault.session() as session:
        intensive = load_intensive_for_figures(session, intensive_id)
    if intensive is None:
        raise NotFoundError(f"There is no intensive with id {intensive_id} in this vault.")
    return summarize_intensive(intensive, flip_window_s=flip_window_s, deidentify=deidentify)

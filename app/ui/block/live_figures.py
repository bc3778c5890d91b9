"""The live summary's numbers: each partner's figures for this block, this day and the intensive.

They come from the domain's `partner_figures`, the function the PDF report
uses, so what the clinician glances at during the session is what the record
will say. Rows are formatted here as short strings (a glance, not a table to
study); the view only places them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crucible.app.domain.analytics import PartnerFigures, partner_figures
from crucible.app.domain.intensive import Block
from crucible.app.domain.vocabulary import STANCE_SHORT, STRATEGY_SHORT, PartnerKey, Stance

ROW_LABELS = (
    "Observations",
    *(STANCE_SHORT[stance] for stance in Stance),
    "Flips up / down",
    "Mean intensity",
    "Main strategy",
)
SCOPES = ("Block", "Day", "Intensive")


@dataclass(frozen=True, slots=True)
class LiveFigures:
    """Figures per partner and scope ("Block", "Day", "Intensive")."""

    figures: dict[tuple[PartnerKey, str], PartnerFigures]

    def column(self, partner: PartnerKey, scope: str) -> tuple[str, ...]:
        """One column of formatted values, in `ROW_LABELS` order."""
        return format_column(self.figures[(partner, scope)])


def format_column(figures: PartnerFigures) -> tuple[str, ...]:
    """The summary rows for one set of figures."""

    def stance(value: Stance) -> str:
        count = figures.counts[value]
        return f"{count} · {figures.shares[value]:.0%}" if figures.observations else "0"

    mean = figures.mean_intensity
    tagged = [(n, s) for s, n in figures.strategies.items() if n]
    main = ""
    if tagged:
        count, strategy = max(tagged, key=lambda item: item[0])
        main = f"{STRATEGY_SHORT[strategy]} ({count})"
    return (
        str(figures.observations),
        stance(Stance.ONE_UP),
        stance(Stance.SAME_AS),
        stance(Stance.ONE_DOWN),
        f"{figures.flips_up} / {figures.flips_down}",
        "–" if mean is None else f"{mean:.1f}",
        main or "–",
    )


def compute_figures(
    scopes: Mapping[str, Sequence[Block]], flip_window_s: int
) -> dict[tuple[PartnerKey, str], PartnerFigures]:
    """Figures for each partner over each named set of blocks."""
    return {
        (key, scope): partner_figures(blocks, key, flip_window_s)
        for scope, blocks in scopes.items()
        for key in PartnerKey
    }

"""What a caller can choose about a report: paper, flip window, identification, date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from crucible.app.domain.analytics import DEFAULT_FLIP_WINDOW_S

__all__ = ["ReportOptions"]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """Choices for building a report.

    Attributes:
        paper: ``"letter"`` (the default: most clinicians are in the US) or ``"a4"``.
        flip_window_s: The flip window, so the PDF matches the figures on screen.
        identified: Supervision report only: show the partners' names instead of
            "Partner A"/"Partner B". Off by default, because that report
            leaves the practice.
        report_date: The date printed in the header and file name; today if None
            (tests pass a fixed date).
        prepared_by: Who produced the report, printed on the cover if set.
    """

    paper: Literal["letter", "a4"] = "letter"
    flip_window_s: int = DEFAULT_FLIP_WINDOW_S
    identified: bool = False
    report_date: date | None = None
    prepared_by: str = ""

    def date_or_today(self) -> date:
        """The report date, defaulting to today."""
        return self.report_date if self.report_date is not None else date.today()

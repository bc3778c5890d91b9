"""The supervision entry a returned review suggests for the hours log.

When a supervisor's return package comes back, the trainee has had
supervision on that intensive: the hours log offers to count it. Only the
minutes cannot be known from the package (how long the supervision took),
so they start at a default the trainee corrects. A supervisor who coded
blocks in their own layer worked from the recording: that is observable
data ("raw clinical data") for the boards that count it; comments alone
are not.
"""

from __future__ import annotations

from typing import Final

from crucible.app.domain.hours import ObservableData, SupervisionEntry, SupervisionFormat
from crucible.app.domain.review import IntensiveReview

DEFAULT_REVIEW_MINUTES: Final = 60
"""Where the trainee starts: an hour, the usual length of a supervision meeting."""


def supervision_for_review(
    review: IntensiveReview, intensive_id: int, minutes: int = DEFAULT_REVIEW_MINUTES
) -> SupervisionEntry:
    """The entry to propose: dated the day it came back, by its supervisor, on its intensive."""
    coded = any(review.supervisor_layer.values())
    return SupervisionEntry(
        on=review.returned_at.astimezone().date(),
        minutes=minutes,
        format=SupervisionFormat.INDIVIDUAL,
        observable=ObservableData.VIDEO if coded else ObservableData.NONE,
        supervisor=review.supervisor.name,
        intensive_ids=(intensive_id,),
    )

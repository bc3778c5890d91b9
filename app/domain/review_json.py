"""The review as `crucible summary --json` and `crucible review agreement --json` print it.

Kappa is the event-matched one (pairs within the tolerance); the
time-sliced kappa and the percent agreements sit beside it under their own
keys, so a script never mistakes one for the other.
"""

from __future__ import annotations

from typing import Any

from crucible.app.domain.review import IntensiveReview, ReviewAgreement


def agreement_as_json(agreement: ReviewAgreement) -> dict[str, Any]:
    """Per block position and overall: event kappa, time-sliced kappa, percent agreement."""
    blocks = agreement.blocks
    overall = agreement.overall
    return {
        "kappa": {
            "overall": overall.kappa,
            "blocks": {str(n): blocks[n].kappa for n in sorted(blocks)},
        },
        "time_kappa": {
            "overall": overall.time_kappa,
            "blocks": {str(n): blocks[n].time_kappa for n in sorted(blocks)},
        },
        "percent_agreement": {
            "overall": overall.percent_agreement,
            "blocks": {str(n): blocks[n].percent_agreement for n in sorted(blocks)},
        },
        "events_matched": overall.events_matched,
        "seconds_compared": overall.seconds_compared,
    }


def review_as_json(review: IntensiveReview, agreement: ReviewAgreement) -> dict[str, Any]:
    """The ``review`` object of `crucible summary --json` (docs/review-format.md)."""
    signed = review.cosignature
    return {
        "comments": len(review.comments),
        **agreement_as_json(agreement),
        "cosigned_at": None if signed is None else signed.signed_at.isoformat(),
        "cosigned_by": None if signed is None else signed.signer,
        "cosigner_fingerprint": None if signed is None else signed.fingerprint,
        "supervisor": review.supervisor.name,
        "returned_at": review.returned_at.isoformat(),
        "coded_blocks": sorted(review.supervisor_layer),
        "changed_after_review": list(review.changed_after_review),
    }


__all__ = ["agreement_as_json", "review_as_json"]

"""The Review section of `crucible summary` (text), for the intensive a review came back for.

The JSON side is :func:`app.services.review_return.review_summary`; this is
its terminal counterpart, worded by :func:`app.domain.review_format.review_as_text`
exactly as the PDFs word it. A de-identified summary gets the de-identified
block titles and comments, as the supervision PDF does.
"""

from __future__ import annotations

from dataclasses import replace

from crucible.app.domain.deidentify import deidentify_intensive, name_redactor
from crucible.app.domain.review import review_agreement
from crucible.app.domain.review_format import review_as_text
from crucible.app.services.intensive_exchange import get_intensive
from crucible.app.services.review_return import review_report
from crucible.app.store.vault import Vault


def review_text(vault: Vault, intensive_id: int, *, deidentify: bool = False) -> str | None:
    """The Review section as text, or None when no review came back for the intensive."""
    review = review_report(vault, intensive_id)
    if review is None:
        return None
    intensive = get_intensive(vault, intensive_id)
    agreement = review_agreement(intensive, review.supervisor_layer)
    if deidentify:
        redact = name_redactor(intensive.couple.partners)
        comments = tuple(replace(c, text=redact(c.text)) for c in review.comments)
        review = replace(review, comments=comments)
        intensive = deidentify_intensive(intensive)
    return review_as_text(review, agreement, intensive)


__all__ = ["review_text"]

"""`crucible summary`'s Review section as text, from a review that really came back."""

from __future__ import annotations

import json
from pathlib import Path

from crucible.app.domain.exchange import observation_document
from crucible.app.domain.review_format import format_kappa
from crucible.app.domain.vocabulary import Role
from crucible.app.services.intensive_exchange import import_intensive
from crucible.app.services.review_inbox import (
    add_comment,
    agreement,
    cosign,
    import_coding,
    return_review,
    review_intensive,
)
from crucible.app.services.review_open import open_package_file
from crucible.app.services.review_send import send_for_review
from crucible.app.services.review_text import review_text
from tests.conftest import FakeClock
from tests.services.test_review_loop import _exchange_cards, _vault, supervised_sample


def test_the_text_section_after_a_return(tmp_path: Path, clock: FakeClock) -> None:
    """Co-signature line, the comment, the same kappa as the inbox; none before the return."""
    trainee = _vault(tmp_path / "t", clock, "Alex Kim", Role.TRAINEE)
    supervisor = _vault(tmp_path / "s", clock, "Dr. Sam Lee", Role.SUPERVISOR)
    try:
        _exchange_cards(trainee, supervisor, tmp_path)
        intensive_id = import_intensive(trainee, supervised_sample(), actor="t")
        assert review_text(trainee, intensive_id) is None
        package = tmp_path / "p.crucible-review"
        send_for_review(trainee, intensive_id, "1", package, actor="t", clock=clock)
        opened = open_package_file(supervisor, package, confirm=lambda _c: False, actor="t")
        review_id = opened.review_id
        assert review_id is not None
        block = review_intensive(supervisor, review_id).days[0].blocks[0]
        coding = [{**observation_document(o), "block": 1} for o in block.observations[::2]]
        import_coding(supervisor, review_id, json.dumps(coding).encode(), actor="t")
        add_comment(supervisor, review_id, 1, "Dana looked away at 10:20.", actor="t")
        cosign(supervisor, review_id, actor="t", clock=clock)
        returned = tmp_path / "r.crucible-review"
        return_review(supervisor, review_id, returned, actor="t", clock=clock)
        expected = agreement(supervisor, review_id)
        open_package_file(trainee, returned, confirm=lambda _c: False, actor="t", clock=clock)
        text = review_text(trainee, intensive_id)
        assert text is not None
        assert text.startswith("Review\nCo-signed by Dr. Sam Lee on ")
        assert "Block 1: Joint: history and pattern:\n  - Dana looked away at 10:20." in text
        overall = next(line for line in text.splitlines() if line.startswith("Overall "))
        assert overall.split()[1] == format_kappa(expected.overall.kappa)
        hidden = review_text(trainee, intensive_id, deidentify=True)
        assert hidden is not None
        assert "Dana" not in hidden
        assert "Partner A looked away at 10:20." in hidden
    finally:
        trainee.lock()
        supervisor.lock()

"""The summary reads only what its figures use, and computes the same figures (issue 16)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import event

from crucible.app.domain.analytics import summarize_intensive
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.summary import intensive_summary
from crucible.app.store.intensive_figures import load_intensive_for_figures
from crucible.app.store.vault import Vault
from tests.strategies import documents


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(documents())
def test_the_summary_equals_the_one_of_the_whole_intensive(
    vault: Vault, document: dict[str, Any]
) -> None:
    """Read for its figures only, any intensive gives the figures of the whole one, any window."""
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    new_id = import_intensive(vault, data, actor="test")
    whole = get_intensive(vault, new_id)
    for window in (0, 8, 3600):
        assert intensive_summary(vault, new_id, flip_window_s=window) == summarize_intensive(
            whole, flip_window_s=window
        )
    assert intensive_summary(vault, new_id, deidentify=True) == summarize_intensive(
        whole, deidentify=True
    )


def test_the_summary_reads_no_note_and_no_free_text(vault: Vault, sample_bytes: bytes) -> None:
    """No statement touches the notes' tables or an observation's quote, trigger or note.

    The whole-intensive load read them all through the ORM, which was most of
    the summary's time on a 5,000-observation intensive.
    """
    new_id = import_intensive(vault, sample_bytes, actor="test")
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(vault.engine, "before_cursor_execute", seen)
    try:
        summary = intensive_summary(vault, new_id)
    finally:
        event.remove(vault.engine, "before_cursor_execute", seen)
    assert summary == summarize_intensive(get_intensive(vault, new_id))
    read = " ".join(statements)
    assert "observation" in read
    for unread in ("block_note", "note_section", "addendum", "quote", "trigger", "intervention"):
        assert unread not in read, unread


def test_the_figures_intensive_carries_no_client_text_but_names(
    vault: Vault, sample_bytes: bytes
) -> None:
    """Notes come empty and observations without free text: for computing, never for showing."""
    new_id = import_intensive(vault, sample_bytes, actor="test")
    whole = get_intensive(vault, new_id)
    with vault.session() as session:
        figures = load_intensive_for_figures(session, new_id)
    assert figures is not None
    assert figures.couple == whole.couple
    assert [d.date for d in figures.days] == [d.date for d in whole.days]
    blocks = [b for d in figures.days for b in d.blocks]
    assert any(b.note.sections for d in whole.days for b in d.blocks)
    assert all(not b.note.sections and b.note.signed_at is None for b in blocks)
    observations = [o for b in blocks for o in b.observations]
    assert len(observations) == sum(len(b.observations) for d in whole.days for b in d.blocks)
    assert all(not (o.quote or o.trigger or o.note or o.intervention) for o in observations)
    with vault.session() as session:
        assert load_intensive_for_figures(session, new_id + 1000) is None

"""Import then export gives back the same document, for property-generated intensives."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings

from crucible.app.services.intensive_exchange import export_intensive, import_intensive
from crucible.app.store.vault import Vault
from tests.strategies import documents


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(documents())
def test_generated_documents_round_trip_exactly(vault: Vault, document: dict[str, Any]) -> None:
    """Whatever valid document goes in comes back out equal."""
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    new_id = import_intensive(vault, data, actor="test")
    assert json.loads(export_intensive(vault, new_id, actor="test")) == document


def test_a_megabyte_note_imports(vault: Vault, sample_bytes: bytes) -> None:
    """A note of a megabyte of text (mixed scripts) survives the round trip."""
    document = json.loads(sample_bytes)
    long_text = ("Dana said: «אני לא יכולה» — 😔 then laughed. " * 30000)[: 1024 * 1024]
    document["intensive"]["days"][0]["blocks"][1]["note"]["sections"][0]["text"] = long_text
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    new_id = import_intensive(vault, data, actor="test")
    assert json.loads(export_intensive(vault, new_id, actor="test")) == document

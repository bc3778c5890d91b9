"""`bare_observation` (the summary's bulk reader) builds what the dataclass would (issue 16)."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from crucible.app.domain.intensive import Observation, bare_observation
from tests.domain.builders import T0, observations


@given(st.data())
def test_a_bare_observation_equals_the_constructed_one(data: st.DataObject) -> None:
    """Every field set, equal and hashing alike, for any observation without free text."""
    made = data.draw(observations(T0, 3600))
    expected = dataclasses.replace(
        made, trigger="", quote="", intervention="", response="", note=""
    )
    expected = dataclasses.replace(expected, id=data.draw(st.none() | st.integers(1, 10**9)))
    bare = bare_observation(
        expected.at,
        expected.partner,
        expected.stance,
        expected.intensity,
        expected.boundary,
        expected.strategies,
        expected.id,
    )
    assert type(bare) is Observation
    assert bare == expected
    assert hash(bare) == hash(expected)
    assert dataclasses.astuple(bare) == dataclasses.astuple(expected)


def test_the_bare_observation_sets_every_field_the_class_has() -> None:
    """A field added to Observation and forgotten here would be unset: caught by name."""
    assert [field.name for field in dataclasses.fields(Observation)] == [
        "at",
        "partner",
        "stance",
        "intensity",
        "boundary",
        "strategies",
        "trigger",
        "quote",
        "intervention",
        "response",
        "note",
        "id",
    ]

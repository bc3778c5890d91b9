"""The bulk readers' builders make what the dataclass would (issues 16 and 19)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crucible.app.domain.intensive import Observation, bare_observation, stored_observation
from crucible.app.domain.slot_setters import slot_setters
from crucible.app.domain.stance_time import StanceSpan, stance_spans
from crucible.app.domain.timeline import TimelinePoint, timeline_point
from crucible.app.domain.vocabulary import PartnerKey
from tests.domain.builders import T0, load_intensive, observations


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


@given(st.data())
def test_a_stored_observation_equals_the_constructed_one(data: st.DataObject) -> None:
    """Free text included: every field set, equal and hashing alike (a block as it opens)."""
    made = data.draw(observations(T0, 3600))
    text = st.text(max_size=20)
    expected = dataclasses.replace(
        made,
        trigger=data.draw(text),
        quote=data.draw(text),
        intervention=data.draw(text),
        response=data.draw(text),
        note=data.draw(text),
        id=data.draw(st.none() | st.integers(1, 10**9)),
    )
    built = stored_observation(*dataclasses.astuple(expected))
    assert type(built) is Observation
    assert built == expected
    assert hash(built) == hash(expected)
    assert dataclasses.astuple(built) == dataclasses.astuple(expected)


def test_setters_for_other_than_exactly_the_fields_are_refused() -> None:
    """A field added to a class and forgotten by its builder fails at import, not at first read."""
    names = tuple(field.name for field in dataclasses.fields(Observation))
    assert len(slot_setters(Observation, names)) == len(names) == 12
    for wrong in (names[:-1], (*names, "extra"), (names[1], names[0], *names[2:])):
        with pytest.raises(TypeError, match="Observation has the fields"):
            slot_setters(Observation, wrong)


def test_a_stance_span_built_by_its_setters_equals_the_constructed_one() -> None:
    """The spans of the sample, made by `_span`, equal spans made by the constructor."""
    spans = [
        span
        for day in load_intensive().days
        for block in day.blocks
        for key in PartnerKey
        for span in stance_spans(block, key)
    ]
    assert spans
    for span in spans:
        assert type(span) is StanceSpan
        assert span == StanceSpan(*dataclasses.astuple(span))


@given(st.data())
def test_a_timeline_point_built_by_its_setters_equals_the_constructed_one(
    data: st.DataObject,
) -> None:
    """Every field set from the observation, equal and hashing alike (a chart as it opens)."""
    made = data.draw(observations(T0, 3600))
    observation = dataclasses.replace(made, id=data.draw(st.none() | st.integers(1, 10**9)))
    is_flip, day, index = (
        data.draw(st.booleans()),
        data.draw(st.integers(1, 3)),
        data.draw(st.integers(0, 12)),
    )
    expected = TimelinePoint(
        at=observation.at,
        partner=observation.partner,
        stance=observation.stance,
        intensity=observation.intensity,
        is_flip=is_flip,
        day=day,
        block_index=index,
        observation_id=observation.id,
    )
    built = timeline_point(observation, is_flip, day, index)
    assert type(built) is TimelinePoint
    assert built == expected
    assert hash(built) == hash(expected)
    assert dataclasses.astuple(built) == dataclasses.astuple(expected)

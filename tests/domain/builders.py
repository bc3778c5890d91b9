"""Small helpers to build intensives for the domain tests, by hand or with hypothesis.

Times are written as seconds after a fixed instant, so a test reads like the
hand calculation it checks. The sample is read with the app's own validating
parser.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import strategies as st

from crucible.app.domain.exchange import parse_intensive
from crucible.app.domain.intensive import (
    Block,
    Couple,
    Day,
    Intensive,
    Observation,
    Partner,
)
from crucible.app.domain.stance_time import StanceSpan
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "data" / "intensive-sample.json"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
NAMES = ("Dana Whitfield", "Sam Okafor")

A, B = PartnerKey.A, PartnerKey.B
UP, SAME, DOWN = Stance.ONE_UP, Stance.SAME_AS, Stance.ONE_DOWN


def at(seconds: float, base: datetime = T0) -> datetime:
    """Return the instant ``seconds`` after ``base``."""
    return base + timedelta(seconds=seconds)


def obs(
    seconds: float,
    partner: PartnerKey = A,
    stance: Stance = DOWN,
    intensity: int = 3,
    boundary: Boundary | None = None,
    strategies: tuple[Strategy, ...] = (),
    observation_id: int | None = None,
) -> Observation:
    """Return an observation ``seconds`` after T0."""
    return Observation(
        at=at(seconds),
        partner=partner,
        stance=stance,
        intensity=intensity,
        boundary=boundary,
        strategies=strategies,
        id=observation_id,
    )


def block(
    *observations: Observation,
    start: float = 0,
    end: float | None = 3600,
    kind: BlockKind = BlockKind.JOINT,
    title: str = "Block",
    ran: tuple[float | None, float | None] = (None, None),
) -> Block:
    """Return a block from ``start`` to ``end`` seconds after T0 (``end=None``: still open).

    ``ran`` is the recorded actual start and end, in seconds after T0 (None: not recorded).
    """
    return Block(
        title=title,
        kind=kind,
        start=at(start),
        end=None if end is None else at(end),
        observations=tuple(observations),
        actual_start=None if ran[0] is None else at(ran[0]),
        actual_end=None if ran[1] is None else at(ran[1]),
    )


def day(number: int, *blocks: Block) -> Day:
    """Return day ``number`` holding the blocks."""
    return Day(number=number, date=(T0 + timedelta(days=number - 1)).date(), blocks=blocks)


def intensive(
    *days: Day, intensive_id: int | None = 7, names: tuple[str, str] = NAMES
) -> Intensive:
    """Return an intensive of the given days for a fixed couple."""
    couple = Couple(code="C-0007", partners=(Partner(A, names[0]), Partner(B, names[1])))
    return Intensive(
        couple=couple, title="Intensive", clinician="Clinician", days=days, id=intensive_id
    )


def load_intensive(path: Path = SAMPLE_PATH) -> Intensive:
    """Read an intensive exchange file with the app's own validating parser."""
    return parse_intensive(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- hypothesis strategies


@st.composite
def observations(draw: st.DrawFn, start: datetime, length_s: int) -> Observation:
    """Draw an observation at a whole second inside ``start .. start + length_s``."""
    return Observation(
        at=start + timedelta(seconds=draw(st.integers(0, length_s))),
        partner=draw(st.sampled_from(PartnerKey)),
        stance=draw(st.sampled_from(Stance)),
        intensity=draw(st.integers(1, 5)),
        boundary=draw(st.none() | st.sampled_from(Boundary)),
        strategies=tuple(draw(st.lists(st.sampled_from(Strategy), max_size=3, unique=True))),
    )


@st.composite
def blocks(draw: st.DrawFn, day_start: datetime = T0, max_observations: int = 12) -> Block:
    """Draw a block of up to an hour, sometimes still open, with observations inside it."""
    start = day_start + timedelta(seconds=draw(st.integers(0, 4 * 3600)))
    length = draw(st.integers(0, 3600))
    logged = draw(st.lists(observations(start, length), max_size=max_observations))
    is_open = draw(st.booleans())
    return Block(
        title="Drawn",
        kind=draw(st.sampled_from(BlockKind)),
        start=start,
        end=None if is_open else start + timedelta(seconds=length),
        observations=tuple(logged),
    )


@st.composite
def intensives(draw: st.DrawFn, max_days: int = 3) -> Intensive:
    """Draw an intensive of 1..max_days days, each with 0-3 blocks."""
    count = draw(st.integers(1, max_days))
    days = tuple(
        Day(
            number=n,
            date=(T0 + timedelta(days=n - 1)).date(),
            blocks=tuple(draw(st.lists(blocks(T0 + timedelta(days=n - 1)), max_size=3))),
        )
        for n in range(1, count + 1)
    )
    return intensive(*days)


def labels_second_by_second(
    spans: Sequence[StanceSpan], origin: datetime, seconds: int
) -> tuple[Stance | None, ...]:
    """The time-sliced labels by their definition, one instant at a time (a test reference).

    The span covering ``origin + k s`` for each k; `second_labels` lays the
    same labels down as ranges, and the tests hold it to this.
    """
    labels: list[Stance | None] = []
    cursor = 0
    for k in range(seconds):
        instant = origin + timedelta(seconds=k)
        while cursor < len(spans) and spans[cursor].end <= instant:
            cursor += 1
        inside = cursor < len(spans) and spans[cursor].start <= instant
        labels.append(spans[cursor].stance if inside else None)
    return tuple(labels)

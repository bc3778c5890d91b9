"""Hypothesis strategies shared by tests: whole exchange documents of any valid shape."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from crucible.app.domain.text_rules import BIDI_CONTROLS

# Any Unicode a clinician may type: RTL scripts, emoji, combining marks; no lone
# surrogates (they cannot be encoded as UTF-8, so no JSON file holds them).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
# One-line fields (codes, names, titles) hold the same minus control characters,
# line separators and bidi controls (app.domain.text_rules); names are not blank.
LINE_CHARACTERS = st.characters(
    blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=sorted(BIDI_CONTROLS)
)
LINE = st.text(LINE_CHARACTERS, max_size=40)
NAME = st.text(LINE_CHARACTERS, min_size=1, max_size=30).filter(lambda text: text.strip() != "")
OFFSETS = st.sampled_from([-8, -5, 0, 1, 2, 5.5, 9]).map(lambda h: timezone(timedelta(hours=h)))
STRATEGIES = [
    "being-right",
    "controlling",
    "unbridled-self-expression",
    "retaliation",
    "withdrawal",
]
_codes = itertools.count(1)


@st.composite
def observation_documents(draw: st.DrawFn, start: datetime, length_s: int) -> dict[str, Any]:
    at = start + timedelta(seconds=draw(st.integers(0, length_s)))
    return {
        "at": at.isoformat(),
        "partner": draw(st.sampled_from(["A", "B"])),
        "stance": draw(st.sampled_from(["one-up", "same-as", "one-down"])),
        "boundary": draw(st.sampled_from([None, "walled-off", "boundaryless", "contained"])),
        "intensity": draw(st.integers(1, 5)),
        "strategies": draw(st.lists(st.sampled_from(STRATEGIES), unique=True, max_size=3)),
        **{k: draw(TEXT) for k in ("trigger", "quote", "intervention", "response", "note")},
    }


@st.composite
def runs(draw: st.DrawFn, start: datetime, length_s: int) -> dict[str, str | None]:
    """When a block actually ran: each end recorded or not, late or early, over or short."""
    ran_from = start + timedelta(seconds=draw(st.integers(-1800, 1800)))
    ran_until = ran_from + timedelta(seconds=draw(st.integers(0, length_s + 3600)))
    return {
        "actual_start": draw(st.sampled_from([None, ran_from.isoformat()])),
        "actual_end": draw(st.sampled_from([None, ran_until.isoformat()])),
    }


@st.composite
def block_documents(draw: st.DrawFn, day_start: datetime, with_runs: bool) -> dict[str, Any]:
    start = day_start + timedelta(minutes=draw(st.integers(0, 600)))
    length_s = draw(st.integers(60, 3 * 3600))
    is_open = draw(st.booleans())
    signed = draw(st.booleans())
    # Sessions start late and run over: observations may lie outside the plan.
    early = draw(st.sampled_from([0, 0, 1800]))
    logged_from = start - timedelta(seconds=early)
    logged_for = length_s + early + draw(st.sampled_from([0, 0, 2400]))
    observations = draw(st.lists(observation_documents(logged_from, logged_for), max_size=8))
    observations.sort(key=lambda o: datetime.fromisoformat(o["at"]))
    return {
        "title": draw(NAME),
        "kind": draw(
            st.sampled_from(["joint", "individual-A", "individual-B", "break", "homework", "other"])
        ),
        "start": start.isoformat(),
        "end": None if is_open else (start + timedelta(seconds=length_s)).isoformat(),
        **(draw(runs(start, length_s)) if with_runs else {}),
        "note": {
            "sections": [
                {"title": draw(LINE), "text": draw(TEXT)} for _ in range(draw(st.integers(0, 3)))
            ],
            "signed_at": (start + timedelta(hours=4)).isoformat() if signed else None,
            "signed_by": draw(NAME) if signed else None,
            "addenda": [
                {
                    "at": (start + timedelta(days=1, minutes=i)).isoformat(),
                    "by": draw(NAME),
                    "reason": draw(TEXT),
                    "text": draw(TEXT),
                }
                for i in range(draw(st.integers(0, 2)) if signed else 0)
            ],
        },
        "observations": observations,
    }


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    tz = draw(OFFSETS)
    first = datetime(2026, 1, 5, 8, 0, tzinfo=tz) + timedelta(days=draw(st.integers(0, 300)))
    # Version 1.1 carries when blocks ran; export writes it only when some block has a run.
    with_runs = draw(st.booleans())
    days = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        day_start = first + timedelta(days=number - 1)
        days.append(
            {
                "day": number,
                "date": day_start.date().isoformat(),
                "blocks": draw(st.lists(block_documents(day_start, with_runs), max_size=3)),
            }
        )
    if with_runs:
        blocks = [block for day in days for block in day["blocks"]]
        if not any(b["actual_start"] or b["actual_end"] for b in blocks):
            with_runs = False
            for block in blocks:
                del block["actual_start"], block["actual_end"]
    trainee = draw(st.one_of(st.none(), NAME))
    return {
        "format": "crucible.intensive/1.1" if with_runs else "crucible.intensive/1",
        "couple": {
            # "/" is not in the drawn alphabet: "A1" + 1 and "A" + 11 cannot meet.
            "code": f"{draw(st.text(max_size=20, alphabet='ABCXYZ-0123'))}/{next(_codes)}",
            "partners": [
                {"key": "A", "name": draw(NAME), "pronouns": draw(LINE)},
                {"key": "B", "name": draw(NAME), "pronouns": draw(LINE)},
            ],
        },
        "intensive": {
            "title": draw(NAME),
            "clinician": draw(LINE),
            "trainee": trainee,
            "supervisor": draw(NAME) if trainee else None,
            "reflections": draw(TEXT),
            "days": days,
        },
    }

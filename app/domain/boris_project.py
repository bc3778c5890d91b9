"""An intensive as a BORIS project: the format BORIS's own project reader opens.

BORIS (Behavioral Observation Research Interactive Software, Friard and
Gamba) is the free tool behavioural researchers use for time budgets,
transition matrices and inter-rater reliability. Its project file is JSON;
the keys below were checked against BORIS's source (``boris/config.py``,
``project_functions.open_project_json``, BORIS 8.27): ``project_format_version``
"7.0", the ethogram under ``behaviors_conf``, the subjects under
``subjects_conf``, observations with LIVE events ``[time, subject, code,
modifier, comment]``, and modifiers as one string per event, the sets joined
by ``|`` and a multiple selection's values by ``,`` ("None" when nothing
was chosen).

Two subjects (Partner A, Partner B) with three behaviours each (one-up,
same-as, one-down), not six behaviours: BORIS computes time budgets,
transition matrices and agreement *per subject*, so with subjects a
partner's own sequence of stances (where flips live) is what BORIS's
transition matrix counts, and the two partners are compared behaviour by
behaviour. Six behaviours in one stream would interleave both partners.

No names and no free text: subjects are "Partner A" and "Partner B", the
comment field is empty, and the project is named by a pseudonym.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from crucible.app.domain.block_span import effective_span
from crucible.app.domain.intensive import Block, Intensive, Observation
from crucible.app.domain.research_table import seconds
from crucible.app.domain.vocabulary import (
    BLOCK_KIND_LABELS,
    BlockKind,
    Boundary,
    PartnerKey,
    Stance,
    Strategy,
)

PROJECT_FORMAT_VERSION: Final = "7.0"
"""BORIS's `config.project_format_version`; BORIS refuses only a version above its own."""
NOTHING_CHOSEN: Final = "None"
"""What BORIS writes for a modifier set with no selection (`select_modifiers.get_modifiers`)."""
SUBJECTS: Final = {PartnerKey.A: "Partner A", PartnerKey.B: "Partner B"}
BEHAVIOUR_KEYS: Final = {Stance.ONE_UP: "u", Stance.SAME_AS: "s", Stance.ONE_DOWN: "d"}
SUBJECT_KEYS: Final = {PartnerKey.A: "1", PartnerKey.B: "2"}
BEHAVIOUR_DESCRIPTIONS: Final = {
    Stance.ONE_UP: "One-up: grandiosity, superior, contemptuous, righteous",
    Stance.SAME_AS: "Same-as: the healthy middle",
    Stance.ONE_DOWN: "One-down: shame, inferior, collapsed",
}
_SINGLE, _MULTIPLE = 0, 1  # BORIS's SINGLE_SELECTION and MULTI_SELECTION
_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S.000"  # BORIS's "yyyy-MM-ddThh:mm:ss.zzz", local time


def _modifier_sets() -> dict[str, dict[str, Any]]:
    """Intensity, strategies and boundary, in that order (the order of each event's string)."""
    sets = (
        ("intensity", "How strongly, 1 to 5", _SINGLE, [str(n) for n in range(1, 6)]),
        ("strategies", "Losing strategies seen", _MULTIPLE, [s.value for s in Strategy]),
        ("boundary", "Boundary axis of the grid", _SINGLE, [b.value for b in Boundary]),
    )
    return {
        str(index): {
            "name": name,
            "description": description,
            "type": kind,
            "ask at stop": False,
            "values": values,
        }
        for index, (name, description, kind, values) in enumerate(sets)
    }


def ethogram() -> dict[str, dict[str, Any]]:
    """The three stances as point events, each with the three modifier sets."""
    return {
        str(index): {
            "type": "Point event",
            "key": BEHAVIOUR_KEYS[stance],
            "code": stance.value,
            "description": BEHAVIOUR_DESCRIPTIONS[stance],
            "color": "",
            "category": "",
            "modifiers": _modifier_sets(),
            "excluded": "",
            "coding map": "",
        }
        for index, stance in enumerate(Stance)
    }


def event_modifiers(observation: Observation) -> str:
    """The event's modifier string: ``intensity|strategy,strategy|boundary``."""
    strategies = ",".join(s.value for s in observation.strategies) or NOTHING_CHOSEN
    boundary = NOTHING_CHOSEN if observation.boundary is None else observation.boundary.value
    return f"{observation.intensity}|{strategies}|{boundary}"


def observation_id(day: int, position: int, block: Block) -> str:
    """A BORIS observation id: day, place and kind; never the title, which may name people."""
    return f"day {day} block {position} {block.kind.value}"


def _events(block: Block, origin: datetime) -> list[list[Any]]:
    ordered = sorted(block.observations, key=lambda obs: obs.at)
    return [
        [
            seconds(obs.at - origin),
            SUBJECTS[obs.partner],
            obs.stance.value,
            event_modifiers(obs),
            "",
        ]
        for obs in ordered
    ]


def _observation(day_number: int, block: Block) -> dict[str, Any]:
    span = effective_span(block)
    duration = seconds(span.duration)
    return {
        "file": {},
        "type": "LIVE",
        "date": span.start.strftime(_TIME_FORMAT),
        "description": f"{BLOCK_KIND_LABELS[block.kind]}, day {day_number}; {duration:g} s",
        "time offset": 0.0,
        "events": _events(block, span.start),
        "observation time interval": [0, duration],
        "independent_variables": {
            "block kind": block.kind.value,
            "day": str(day_number),
            "duration_s": f"{duration:g}",
        },
        "visualize_spectrogram": False,
        "visualize_waveform": False,
        "media_creation_date_as_offset": False,
        "media_scan_sampling_duration": 0,
        "image_display_duration": 1,
        "close_behaviors_between_videos": False,
        "scan_sampling_time": 0,
        "start_from_current_time": False,
        "start_from_current_epoch_time": False,
    }


def _independent_variables() -> dict[str, dict[str, str]]:
    return {
        "0": {
            "label": "block kind",
            "description": "What kind of session the block is",
            "type": "value from set",
            "default value": BlockKind.JOINT.value,
            "possible values": ",".join(kind.value for kind in BlockKind),
        },
        "1": {
            "label": "day",
            "description": "The day of the intensive, from 1",
            "type": "numeric",
            "default value": "1",
            "possible values": "",
        },
        "2": {
            "label": "duration_s",
            "description": "How long the block ran, in seconds (Crucible's span rule)",
            "type": "numeric",
            "default value": "0",
            "possible values": "",
        },
    }


def boris_project(intensive: Intensive, *, name: str, created: datetime) -> dict[str, Any]:
    """The BORIS project of one intensive: one LIVE observation per block, empty blocks too.

    Args:
        intensive: The intensive (names are never read from it).
        name: The project's name, a pseudonym or code the caller chose.
        created: When the project was made (BORIS's ``project_date``).
    """
    observations = {}
    for day in intensive.days:
        for position, block in enumerate(day.blocks, start=1):
            key = observation_id(day.number, position, block)
            observations[key] = _observation(day.number, block)
    return {
        "time_format": "hh:mm:ss",
        "project_date": created.strftime("%Y-%m-%dT%H:%M:%S"),
        "project_name": name,
        "project_description": (
            "Exported by Crucible: the relational-grid stances of an intensive, one LIVE "
            "observation per block, event times in seconds from the block's start."
        ),
        "project_format_version": PROJECT_FORMAT_VERSION,
        "subjects_conf": {
            str(index): {"key": SUBJECT_KEYS[key], "name": SUBJECTS[key], "description": ""}
            for index, key in enumerate(PartnerKey)
        },
        "behaviors_conf": ethogram(),
        "observations": observations,
        "behavioral_categories": [],
        "behavioral_categories_config": {},
        "independent_variables": _independent_variables(),
        "coding_map": {},
        "behaviors_coding_map": [],
        "converters": {},
    }


__all__ = [
    "PROJECT_FORMAT_VERSION",
    "SUBJECTS",
    "boris_project",
    "ethogram",
    "event_modifiers",
    "observation_id",
]

"""The words of the relational grid, as closed sets, and the one wording of each for people.

Each enum's value is the spelling used in the exchange format and the vault,
so a value read from either place maps to exactly one member. The labels
below are what the app, the live pad and the reports show; each word has
one long and (where space is short) one short label, spelled only here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType


class Stance(StrEnum):
    """Where a partner stands on the self-esteem axis."""

    ONE_UP = "one-up"
    SAME_AS = "same-as"
    ONE_DOWN = "one-down"

    @property
    def label(self) -> str:
        """Human wording, with the clinical gloss clinicians use."""
        return _STANCE_LABELS[self]


_STANCE_LABELS = {
    Stance.ONE_UP: "One-up (grandiosity)",
    Stance.SAME_AS: "Same-as",
    Stance.ONE_DOWN: "One-down (shame)",
}


class Boundary(StrEnum):
    """Where a partner stands on the boundary axis of the grid."""

    WALLED_OFF = "walled-off"
    BOUNDARYLESS = "boundaryless"
    CONTAINED = "contained"


class Strategy(StrEnum):
    """The five losing strategies."""

    BEING_RIGHT = "being-right"
    CONTROLLING = "controlling"
    UNBRIDLED_SELF_EXPRESSION = "unbridled-self-expression"
    RETALIATION = "retaliation"
    WITHDRAWAL = "withdrawal"


class BlockKind(StrEnum):
    """What kind of session a block of the day is."""

    JOINT = "joint"
    INDIVIDUAL_A = "individual-A"
    INDIVIDUAL_B = "individual-B"
    BREAK = "break"
    HOMEWORK = "homework"
    OTHER = "other"


class PartnerKey(StrEnum):
    """The two partners of a couple, always A and B."""

    A = "A"
    B = "B"


STANCE_SHORT: Mapping[Stance, str] = MappingProxyType(
    {Stance.ONE_UP: "One-up", Stance.SAME_AS: "Same-as", Stance.ONE_DOWN: "One-down"}
)
STRATEGY_LABELS: Mapping[Strategy, str] = MappingProxyType(
    {
        Strategy.BEING_RIGHT: "Being right",
        Strategy.CONTROLLING: "Controlling",
        Strategy.UNBRIDLED_SELF_EXPRESSION: "Unbridled self-expression",
        Strategy.RETALIATION: "Retaliation",
        Strategy.WITHDRAWAL: "Withdrawal",
    }
)
STRATEGY_SHORT: Mapping[Strategy, str] = MappingProxyType(
    {**STRATEGY_LABELS, Strategy.UNBRIDLED_SELF_EXPRESSION: "Unbridled"}
)
BOUNDARY_LABELS: Mapping[Boundary, str] = MappingProxyType(
    {
        Boundary.WALLED_OFF: "Walled-off",
        Boundary.BOUNDARYLESS: "Boundaryless",
        Boundary.CONTAINED: "Contained",
    }
)
BLOCK_KIND_LABELS: Mapping[BlockKind, str] = MappingProxyType(
    {
        BlockKind.JOINT: "Joint session",
        BlockKind.INDIVIDUAL_A: "Individual: partner A",
        BlockKind.INDIVIDUAL_B: "Individual: partner B",
        BlockKind.BREAK: "Break",
        BlockKind.HOMEWORK: "Homework",
        BlockKind.OTHER: "Other",
    }
)


DEFAULT_PARTNER_COLOURS: Mapping[PartnerKey, str] = MappingProxyType(
    {PartnerKey.A: "#2E6DB4", PartnerKey.B: "#C2571A"}
)
"""A new couple's colours, and the colour of a partner stored without one."""


def partner_colour(key: str, colour: str | None) -> str:
    """The partner's own colour, else the default for their key; every view shows this one."""
    return colour or DEFAULT_PARTNER_COLOURS[PartnerKey(key)]


class Role(StrEnum):
    """Whether the vault's owner is a clinician, a trainee under supervision, or a supervisor."""

    CLINICIAN = "clinician"
    TRAINEE = "trainee"
    SUPERVISOR = "supervisor"


NOTE_TEMPLATE: tuple[str, ...] = (
    "Presenting concerns this block",
    "Relational grid: where each partner stood",
    "Losing strategies seen",
    "Interventions and how they landed",
    "Family-of-origin / trauma work",
    "Skills taught, requests, repair",
    "Plan, homework, follow-up",
)
"""The default block-note sections, in the order clinicians write them."""

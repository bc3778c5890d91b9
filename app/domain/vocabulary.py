"""The words of the relational grid, as closed sets.

Each enum's value is the spelling used in the exchange format and the vault,
so a value read from either place maps to exactly one member.
"""

from __future__ import annotations

from enum import StrEnum


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

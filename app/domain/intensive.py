"""Value objects for one couple's intensive, as the analytics and reports see it.

They are frozen so that a figure computed from an intensive can never
disagree with the intensive it was computed from. Times are timezone-aware
datetimes: a clinician's wall clock matters (notes say "at 9:14"), and the
offset keeps the record exact across travel and daylight-saving changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from crucible.app.domain.slot_setters import slot_setters
from crucible.app.domain.vocabulary import BlockKind, Boundary, PartnerKey, Stance, Strategy


@dataclass(frozen=True, slots=True)
class Partner:
    """One member of the couple."""

    key: PartnerKey
    name: str
    pronouns: str = ""
    colour: str = ""


@dataclass(frozen=True, slots=True)
class Couple:
    """The couple, known in de-identified output only by its code."""

    code: str
    partners: tuple[Partner, Partner]

    def partner(self, key: PartnerKey) -> Partner:
        """Return the partner with the given key."""
        return self.partners[0] if key is PartnerKey.A else self.partners[1]


@dataclass(frozen=True, slots=True)
class Observation:
    """A moment in which the clinician placed one partner on the grid."""

    at: datetime
    partner: PartnerKey
    stance: Stance
    intensity: int = 3
    boundary: Boundary | None = None
    strategies: tuple[Strategy, ...] = ()
    trigger: str = ""
    quote: str = ""
    intervention: str = ""
    response: str = ""
    note: str = ""
    id: int | None = None


(
    _SET_AT,
    _SET_PARTNER,
    _SET_STANCE,
    _SET_INTENSITY,
    _SET_BOUNDARY,
    _SET_STRATEGIES,
    _SET_TRIGGER,
    _SET_QUOTE,
    _SET_INTERVENTION,
    _SET_RESPONSE,
    _SET_NOTE,
    _SET_ID,
) = slot_setters(
    Observation,
    (
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
    ),
)


def stored_observation(
    at: datetime,
    partner: PartnerKey,
    stance: Stance,
    intensity: int,
    boundary: Boundary | None,
    strategies: tuple[Strategy, ...],
    trigger: str,
    quote: str,
    intervention: str,
    response: str,
    note: str,
    id: int | None,
) -> Observation:
    """An observation equal to ``Observation(...)`` with the same values, built faster.

    For readers that build thousands at once (a block's 1,000 as it opens,
    the summary of a 5,000-observation intensive; issues 16 and 19): a frozen
    dataclass's ``__init__`` sets each of its twelve fields through
    ``object.__setattr__``, about 3.5 us an observation on CPython 3.11;
    setting the slots directly (:mod:`app.domain.slot_setters`) costs less
    than half. No check is skipped: the generated ``__init__`` checks
    nothing either.
    """
    observation = object.__new__(Observation)
    _SET_AT(observation, at)
    _SET_PARTNER(observation, partner)
    _SET_STANCE(observation, stance)
    _SET_INTENSITY(observation, intensity)
    _SET_BOUNDARY(observation, boundary)
    _SET_STRATEGIES(observation, strategies)
    _SET_TRIGGER(observation, trigger)
    _SET_QUOTE(observation, quote)
    _SET_INTERVENTION(observation, intervention)
    _SET_RESPONSE(observation, response)
    _SET_NOTE(observation, note)
    _SET_ID(observation, id)
    return observation


def bare_observation(
    at: datetime,
    partner: PartnerKey,
    stance: Stance,
    intensity: int,
    boundary: Boundary | None,
    strategies: tuple[Strategy, ...],
    id: int | None,
) -> Observation:
    """An observation without free text (`stored_observation`), for the figures' readers."""
    return stored_observation(
        at, partner, stance, intensity, boundary, strategies, "", "", "", "", "", id
    )


@dataclass(frozen=True, slots=True)
class NoteSection:
    """One titled section of a block note."""

    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Addendum:
    """A later addition to a signed note; it never replaces the original."""

    at: datetime
    by: str
    reason: str
    text: str


def content_hash(sections: Iterable[NoteSection]) -> str:
    """SHA-256 (hex) of a note's sections: what a signature vouches for.

    Canonical JSON of the ordered ``[title, text]`` pairs, UTF-8, no
    whitespace, so the vault (which records it at signing) and every report
    (which prints it) compute the same fingerprint for the same text.
    """
    canonical = json.dumps(
        [[s.title, s.text] for s in sections], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class BlockNote:
    """The clinician's note for a block, signed or not.

    `content_hash` is the hash recorded when the note was signed (None for
    drafts, and for notes that have not been stored yet).
    """

    sections: tuple[NoteSection, ...] = ()
    signed_at: datetime | None = None
    signed_by: str | None = None
    addenda: tuple[Addendum, ...] = ()
    content_hash: str | None = None

    @property
    def is_signed(self) -> bool:
        """Whether the note is locked by a signature."""
        return self.signed_at is not None


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Block:
    """A scheduled part of a day: a joint session, an individual session, a break.

    ``start`` and ``end`` are the plan. ``actual_start`` and ``actual_end``
    are what the app recorded of the session as it ran (live mode on, the
    latest observation, live mode off), None where nothing was recorded; the
    span the figures use comes from both, by the one rule in
    :func:`app.domain.block_span.effective_span` (which remembers its answer
    per block object, through a weak reference: hence the weakref slot).
    """

    title: str
    kind: BlockKind
    start: datetime
    end: datetime | None
    note: BlockNote = field(default_factory=BlockNote)
    observations: tuple[Observation, ...] = ()
    id: int | None = None
    actual_start: datetime | None = None
    actual_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Day:
    """One day of the intensive, numbered from 1."""

    number: int
    date: date
    blocks: tuple[Block, ...] = ()


SUPERVISION_NEEDS_BOTH = "A supervised intensive needs the trainee's and the supervisor's names."


def supervision_problem(trainee: str | None, supervisor: str | None) -> str | None:
    """None if the pair may describe an intensive, else the sentence that says why not.

    None for a name means "not supervised"; any text, even blank, means the
    intensive is supervised. A supervised intensive names both people: a
    supervision report without a supervisor (or a trainee) has no one to
    address. The app's dialogs, the casebook service and `crucible import`
    all ask this one function.
    """
    if trainee is None and supervisor is None:
        return None
    if (trainee or "").strip() and (supervisor or "").strip():
        return None
    return SUPERVISION_NEEDS_BOTH


@dataclass(frozen=True, slots=True)
class Intensive:
    """A couple's intensive with everything logged in it."""

    couple: Couple
    title: str
    clinician: str
    days: tuple[Day, ...]
    trainee: str | None = None
    supervisor: str | None = None
    reflections: str = ""
    id: int | None = None

    @property
    def is_supervised(self) -> bool:
        """Whether a trainee ran it under a supervisor."""
        return self.trainee is not None or self.supervisor is not None

    @property
    def first_date(self) -> date:
        """The date of day 1."""
        return self.days[0].date

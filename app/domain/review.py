"""The supervision loop's vocabulary: cards, comments, a co-signature, and the agreement they show.

A trainee sends a de-identified intensive to their supervisor as a sealed
file; the supervisor comments, codes blocks in a layer of their own and
co-signs; the file that comes back is kept beside the trainee's intensive,
never mixed into it. These value objects are what both sides, the summary
and the PDFs share, so the same words mean the same thing everywhere. The
sealing itself (keys, packages, their byte formats) lives in
``app.domain.review_package`` and the storage in ``app.store``.

Blocks are named by their **position**: 1-based, counting Day 1's blocks
first, in the order the intensive lists them. A package carries no database
id, and the position is the one thing both vaults agree on.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from crucible.app.domain.agreement import (
    DEFAULT_MATCH_TOLERANCE_S,
    AgreementReport,
    cell_figures,
    compare_coders_with_cells,
    kappa_and_percent,
)
from crucible.app.domain.intensive import Block, Intensive, Observation
from crucible.app.domain.vocabulary import Role, Stance

FINGERPRINT_GROUPS: Final[int] = 8
"""Eight groups of four hex digits: 128 bits, short enough to read out on the phone."""

_FINGERPRINT_CONTEXT: Final[bytes] = b"crucible-card-fingerprint-v1\x00"


def fingerprint_of(sealing_key: bytes, signing_key: bytes) -> str:
    """Return the fingerprint two people compare to trust a card: "3F2A 91C0 ...".

    It is a SHA-256 over both public keys (with a fixed context, so it can
    never be mistaken for a hash of anything else), cut to 128 bits: enough
    that no one can make a second card with the same groups, few enough to
    read aloud. Upper-case hex avoids the letters people confuse on a line.
    """
    digest = hashlib.sha256(_FINGERPRINT_CONTEXT + sealing_key + signing_key).hexdigest()
    wanted = digest[: FINGERPRINT_GROUPS * 4].upper()
    return " ".join(wanted[i : i + 4] for i in range(0, len(wanted), 4))


@dataclass(frozen=True, slots=True)
class Card:
    """Someone's public identity: who they are and the two keys that speak for them.

    Attributes:
        name: The display name, as it signs ("Dr. Sam Lee, PhD").
        role: Clinician, trainee or supervisor.
        sealing_key: X25519 public key, 32 raw bytes (packages are sealed to it).
        signing_key: Ed25519 public key, 32 raw bytes (signatures are checked with it).
    """

    name: str
    role: Role
    sealing_key: bytes
    signing_key: bytes

    @property
    def fingerprint(self) -> str:
        """The groups to compare by phone; see :func:`fingerprint_of`."""
        return fingerprint_of(self.sealing_key, self.signing_key)


@dataclass(frozen=True, slots=True)
class ReviewComment:
    """A supervisor's comment on one block (by position) or, with ``block`` None, the intensive."""

    block: int | None
    text: str
    written_at: datetime


@dataclass(frozen=True, slots=True)
class CoSignature:
    """The supervisor's signature over what they reviewed.

    Attributes:
        signer: The supervisor's name as on their card.
        fingerprint: Their card's fingerprint, printed beside the name.
        signed_at: When they co-signed (timezone-aware).
        covered_digest: Hex SHA-256 over the hashes of the notes and observations
            reviewed, the thing the Ed25519 signature is over.
        signature: The Ed25519 signature, 64 raw bytes.
    """

    signer: str
    fingerprint: str
    signed_at: datetime
    covered_digest: str
    signature: bytes


def numbered_blocks(intensive: Intensive) -> tuple[Block, ...]:
    """The intensive's blocks in position order: position ``n`` is ``result[n - 1]``."""
    return tuple(block for day in intensive.days for block in day.blocks)


@dataclass(frozen=True, slots=True)
class OverallAgreement:
    """Agreement pooled over every block the supervisor coded.

    Event kappa pools the matched pairs of all coded blocks; time-sliced
    kappa pools their (second, partner) units. Pooling (rather than
    averaging the blocks' kappas) weighs each block by how much was in it,
    so a two-event block cannot swing the figure.
    """

    kappa: float | None
    percent_agreement: float | None
    time_kappa: float | None
    time_percent_agreement: float | None
    events_matched: int
    seconds_compared: int


@dataclass(frozen=True, slots=True)
class ReviewAgreement:
    """The trainee's layer against the supervisor's: per coded block, and overall."""

    blocks: Mapping[int, AgreementReport]
    overall: OverallAgreement


def review_agreement(
    intensive: Intensive,
    supervisor_layer: Mapping[int, Sequence[Observation]],
    tolerance_s: float = DEFAULT_MATCH_TOLERANCE_S,
) -> ReviewAgreement:
    """Compare the trainee's observations (in ``intensive``) with the supervisor's layer.

    Only blocks the supervisor coded (keys of ``supervisor_layer``) are
    compared: a block nobody second-coded says nothing about agreement.
    The supervisor's block is the trainee's block with its observations
    swapped, so both codings share the block's span.

    Raises:
        ValueError: If a position names no block of the intensive, or the tolerance is negative.
    """
    blocks = numbered_blocks(intensive)
    reports: dict[int, AgreementReport] = {}
    stances: list[tuple[Stance, Stance]] = []
    cells: Counter[tuple[Stance, Stance]] = Counter()
    for position in sorted(supervisor_layer):
        if not 1 <= position <= len(blocks):
            raise ValueError(f"Block {position} is not in this intensive.")
        trainee_block = blocks[position - 1]
        theirs = replace(
            trainee_block,
            observations=tuple(sorted(supervisor_layer[position], key=lambda o: o.at)),
        )
        report, block_cells = compare_coders_with_cells(trainee_block, theirs, tolerance_s)
        reports[position] = report
        stances.extend((pair.first.stance, pair.second.stance) for pair in report.pairs)
        cells.update(block_cells)
    kappa, percent = kappa_and_percent(stances)
    time_kappa, time_percent = cell_figures(cells)
    overall = OverallAgreement(
        kappa=kappa,
        percent_agreement=percent,
        time_kappa=time_kappa,
        time_percent_agreement=time_percent,
        events_matched=len(stances),
        seconds_compared=sum(cells.values()),
    )
    return ReviewAgreement(blocks=reports, overall=overall)


def confusion_table(report: AgreementReport) -> dict[tuple[Stance, Stance], int]:
    """Matched events counted by (trainee's stance, supervisor's stance), every cell present.

    The table the agreement view shows beside kappa: the diagonal is
    agreement, each other cell one kind of disagreement ("the trainee saw
    one-up where the supervisor saw same-as").
    """
    table = {(mine, theirs): 0 for mine in Stance for theirs in Stance}
    for pair in report.pairs:
        table[(pair.first.stance, pair.second.stance)] += 1
    return table


@dataclass(frozen=True, slots=True)
class IntensiveReview:
    """What came back from the supervisor for one intensive, as reports and the summary show it.

    Attributes:
        supervisor: The supervisor's card.
        comments: Their comments, on the intensive (block None) and per block position.
        supervisor_layer: Their own observations per block position.
        cosignature: The co-signature, or None if they returned it unsigned.
        returned_at: When the return package was written.
        changed_after_review: Block positions whose note gained an addendum after the
            package was sent, so the co-signature does not cover what is there now.
    """

    supervisor: Card
    comments: tuple[ReviewComment, ...]
    supervisor_layer: Mapping[int, tuple[Observation, ...]]
    cosignature: CoSignature | None
    returned_at: datetime
    changed_after_review: tuple[int, ...] = ()

    def comments_on(self, block: int | None) -> tuple[ReviewComment, ...]:
        """The comments on one block position, or on the intensive as a whole (None)."""
        return tuple(c for c in self.comments if c.block == block)

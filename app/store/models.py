"""ORM models of the vault, SQLAlchemy 2 typed style.

Tables mirror the exchange format (docs/exchange-format.md) and
the domain: couple with two partners, intensive, day, block, block note
(sections, revisions, signature, addenda), observation, audit event. Every
constraint is named through the metadata's naming convention so Alembic's
batch migrations can find them again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crucible.app.store.types import AwareDateTime, IsoDate, JsonList

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ClinicianProfile(Base):
    """The vault owner: one row."""

    __tablename__ = "clinician_profile"
    __table_args__ = (
        CheckConstraint("role IN ('clinician', 'trainee', 'supervisor')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credentials: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20), default="clinician")
    supervisor: Mapped[str | None] = mapped_column(String(200))
    # False for the stand-in profile `crucible init` makes without a TTY or options:
    # the app asks the clinician to complete it at unlock.
    complete: Mapped[bool] = mapped_column(default=True, server_default=true())


class Couple(Base):
    """A couple, known outside the vault only by its code."""

    __tablename__ = "couple"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Set while an import that made this couple is still writing (revision 0011,
    # decision 0031): every reader that lists couples skips it until published.
    staged_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    partners: Mapped[list[Partner]] = relationship(
        back_populates="couple", order_by="Partner.key", cascade="all, delete-orphan"
    )
    intensives: Mapped[list[Intensive]] = relationship(back_populates="couple")


class Partner(Base):
    """One of the couple's two partners, A or B."""

    __tablename__ = "partner"
    __table_args__ = (
        UniqueConstraint("couple_id", "key", name="couple_key"),
        CheckConstraint("key IN ('A', 'B')", name="key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(1))
    name: Mapped[str] = mapped_column(String(200))
    pronouns: Mapped[str] = mapped_column(String(40), default="")
    colour: Mapped[str] = mapped_column(String(9), default="")
    couple: Mapped[Couple] = relationship(back_populates="partners")


class Intensive(Base):
    """One intensive of a couple."""

    __tablename__ = "intensive"
    __table_args__ = (CheckConstraint("status IN ('active', 'archived')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    couple_id: Mapped[int] = mapped_column(ForeignKey("couple.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    clinician: Mapped[str] = mapped_column(String(200))
    trainee: Mapped[str | None] = mapped_column(String(200))
    supervisor: Mapped[str | None] = mapped_column(String(200))
    reflections: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Set while an import is still writing it in chunks (revision 0011, decision
    # 0031): every reader that enumerates intensives skips it until published.
    staged_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    couple: Mapped[Couple] = relationship(back_populates="intensives")
    days: Mapped[list[Day]] = relationship(
        back_populates="intensive", order_by="Day.number", cascade="all, delete-orphan"
    )


class Day(Base):
    """A day of an intensive, numbered from 1."""

    __tablename__ = "day"
    __table_args__ = (
        UniqueConstraint("intensive_id", "number", name="intensive_number"),
        Index("ix_day_intensive_date", "intensive_id", "date"),  # first day: revision 0009
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intensive_id: Mapped[int] = mapped_column(ForeignKey("intensive.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    date: Mapped[date] = mapped_column(IsoDate)
    intensive: Mapped[Intensive] = relationship(back_populates="days")
    blocks: Mapped[list[Block]] = relationship(
        back_populates="day", order_by="Block.position", cascade="all, delete-orphan"
    )


class Block(Base):
    """A scheduled block of a day: `start`/`end` are the plan, `actual_*` what ran (or NULL)."""

    __tablename__ = "block"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('joint', 'individual-A', 'individual-B', 'break', 'homework', 'other')",
            name="kind",
        ),
        Index("ix_block_day_position", "day_id", "position"),  # a day's blocks: revision 0009
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("day.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[datetime] = mapped_column(AwareDateTime)
    end: Mapped[datetime | None] = mapped_column(AwareDateTime)
    actual_start: Mapped[datetime | None] = mapped_column(AwareDateTime)
    actual_end: Mapped[datetime | None] = mapped_column(AwareDateTime)
    day: Mapped[Day] = relationship(back_populates="blocks")
    note: Mapped[BlockNote | None] = relationship(
        back_populates="block", cascade="all, delete-orphan", uselist=False
    )
    observations: Mapped[list[Observation]] = relationship(
        back_populates="block",
        order_by="(Observation.at_utc, Observation.id)",
        cascade="all, delete-orphan",
    )


class BlockNote(Base):
    """The note of a block; protected by triggers once signed."""

    __tablename__ = "block_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id", ondelete="CASCADE"), unique=True)
    signed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    signed_by: Mapped[str | None] = mapped_column(String(200))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    block: Mapped[Block] = relationship(back_populates="note")
    sections: Mapped[list[NoteSection]] = relationship(
        back_populates="note", order_by="NoteSection.position", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[NoteRevision]] = relationship(
        back_populates="note", order_by="NoteRevision.id", cascade="all, delete-orphan"
    )
    addenda: Mapped[list[Addendum]] = relationship(
        back_populates="note", order_by="Addendum.id", cascade="all, delete-orphan"
    )


class NoteSection(Base):
    """One titled section of a note, in order."""

    __tablename__ = "note_section"
    __table_args__ = (UniqueConstraint("note_id", "position", name="note_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(
        ForeignKey("block_note.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[BlockNote] = relationship(back_populates="sections")


class NoteRevision(Base):
    """Every save of a note, kept: the sections as JSON, with when it was saved."""

    __tablename__ = "note_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(
        ForeignKey("block_note.id", ondelete="CASCADE"), index=True
    )
    saved_at: Mapped[datetime] = mapped_column(AwareDateTime)
    sections_json: Mapped[str] = mapped_column(Text)
    note: Mapped[BlockNote] = relationship(back_populates="revisions")


class Addendum(Base):
    """A dated addition to a signed note, never replacing it."""

    __tablename__ = "addendum"

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(
        ForeignKey("block_note.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[BlockNote] = relationship(back_populates="addenda")


class Observation(Base):
    """One partner placed on the grid at one moment."""

    __tablename__ = "observation"
    __table_args__ = (
        CheckConstraint("partner IN ('A', 'B')", name="partner"),
        CheckConstraint("stance IN ('one-up', 'same-as', 'one-down')", name="stance"),
        CheckConstraint(
            "boundary IS NULL OR boundary IN ('walled-off', 'boundaryless', 'contained')",
            name="boundary",
        ),
        CheckConstraint("intensity BETWEEN 1 AND 5", name="intensity"),
        # A block's observations in time order without a sort (revision 0009).
        Index("ix_observation_block_time", "block_id", "at_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("block.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    # UTC copy of `at` as sortable text: ISO strings with different offsets do
    # not sort by instant, and the timeline needs instant order.
    at_utc: Mapped[str] = mapped_column(String(32), index=True)
    offset_s: Mapped[float] = mapped_column(default=0.0)
    partner: Mapped[str] = mapped_column(String(1))
    stance: Mapped[str] = mapped_column(String(10))
    boundary: Mapped[str | None] = mapped_column(String(15))
    intensity: Mapped[int] = mapped_column(Integer, default=3)
    strategies: Mapped[list[str]] = mapped_column(JsonList, default=list)
    trigger: Mapped[str] = mapped_column(Text, default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    intervention: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    block: Mapped[Block] = relationship(back_populates="observations")


class AuditEvent(Base):
    """A hash-chained record of a sensitive action; never holds note text or secrets."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40), index=True)
    intensive_id: Mapped[int | None] = mapped_column(Integer)
    detail_json: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditKeying(Base):
    """Where the audit chain's HMAC-keyed links begin (one row, append-only)."""

    __tablename__ = "audit_keying"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(String(40))
    keyed_after: Mapped[int] = mapped_column(Integer)


class HoursContactEntry(Base):
    """Contact outside Crucible's intensives, typed in by the trainee (issue 15's manual entry)."""

    __tablename__ = "hours_contact_entry"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes"),
        CheckConstraint("kind IN ('relational', 'individual')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[date] = mapped_column(IsoDate, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    couple_code: Mapped[str] = mapped_column(String(32), default="")
    start_time: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    setting: Mapped[str] = mapped_column(String(80), default="", server_default="")
    """Where the contact took place; "" names none (revision 0010)."""


class HoursSupervisionEntry(Base):
    """One supervision meeting: date, minutes, format, observable data, supervisor."""

    __tablename__ = "hours_supervision_entry"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes"),
        CheckConstraint("format IN ('individual', 'group')", name="format"),
        CheckConstraint("observable IN ('live', 'video', 'audio', 'none')", name="observable"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[date] = mapped_column(IsoDate, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(12))
    observable: Mapped[str] = mapped_column(String(8))
    supervisor: Mapped[str] = mapped_column(String(200), default="")
    intensive_ids: Mapped[list[int]] = mapped_column(JsonList, default=list)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    setting: Mapped[str] = mapped_column(String(80), default="", server_default="")
    """The setting whose contact it supervises; "" names none (revision 0010)."""


class HoursBlockMark(Base):
    """The clinician's word on one block for the hours: counted as contact, or confirmed as run."""

    __tablename__ = "hours_block_mark"
    __table_args__ = (
        CheckConstraint(
            "contact_kind IS NULL OR contact_kind IN ('relational', 'individual')",
            name="contact_kind",
        ),
    )

    block_id: Mapped[int] = mapped_column(
        ForeignKey("block.id", ondelete="CASCADE"), primary_key=True
    )
    contact_kind: Mapped[str | None] = mapped_column(String(12))
    confirmed_ran: Mapped[bool] = mapped_column(default=False)


class HoursTarget(Base):
    """The one target the trainee chose: a preset's id (or a custom target) and its dates."""

    __tablename__ = "hours_target"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    preset_id: Mapped[str] = mapped_column(String(40))
    custom_json: Mapped[str | None] = mapped_column(Text)
    starts: Mapped[date | None] = mapped_column(IsoDate)
    ends: Mapped[date | None] = mapped_column(IsoDate)


class Card(Base):
    """Someone else's card, imported after its fingerprint was confirmed (issue 13)."""

    __tablename__ = "card"
    __table_args__ = (
        CheckConstraint("role IN ('clinician', 'trainee', 'supervisor')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    sealing_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    signing_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    fingerprint: Mapped[str] = mapped_column(String(39), unique=True)
    imported_at: Mapped[datetime] = mapped_column(AwareDateTime)


class OwnIdentity(Base):
    """This vault's own key pair (one row), and the supervisor's card a trainee linked."""

    __tablename__ = "own_identity"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sealing_private: Mapped[bytes] = mapped_column(LargeBinary(32))
    signing_private: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    supervisor_card_id: Mapped[int | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL")
    )


class ReviewReceived(Base):
    """A trainee's review package as the supervisor opened it: read-only once stored."""

    __tablename__ = "review_received"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[str] = mapped_column(String(64), unique=True)
    file_digest: Mapped[str] = mapped_column(String(64))
    trainee_name: Mapped[str] = mapped_column(String(200))
    trainee_role: Mapped[str] = mapped_column(String(20))
    trainee_sealing_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    trainee_signing_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime)
    received_at: Mapped[datetime] = mapped_column(AwareDateTime)
    couple_code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    payload_json: Mapped[str] = mapped_column(Text)


class ReviewComment(Base):
    """The supervisor's comment on a received review: one block (by position) or the whole."""

    __tablename__ = "review_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("review_received.id", ondelete="CASCADE"), index=True
    )
    block: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(AwareDateTime)


class ReviewObservation(Base):
    """One observation of the supervisor's own coding layer, on a block position."""

    __tablename__ = "review_observation"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("review_received.id", ondelete="CASCADE"), index=True
    )
    block: Mapped[int] = mapped_column(Integer)
    document_json: Mapped[str] = mapped_column(Text)
    at_utc: Mapped[str] = mapped_column(String(32))


class ReviewCosignature(Base):
    """The supervisor's co-signature of a received review (at most one)."""

    __tablename__ = "review_cosignature"

    review_id: Mapped[int] = mapped_column(
        ForeignKey("review_received.id", ondelete="CASCADE"), primary_key=True
    )
    signed_at: Mapped[datetime] = mapped_column(AwareDateTime)
    covered_digest: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))


class ReviewSent(Base):
    """A review package the trainee sent: what it pinned, so a return can be checked against it."""

    __tablename__ = "review_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    intensive_id: Mapped[int] = mapped_column(
        ForeignKey("intensive.id", ondelete="CASCADE"), index=True
    )
    package_id: Mapped[str] = mapped_column(String(64), unique=True)
    recipient_fingerprint: Mapped[str] = mapped_column(String(39))
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime)
    digest: Mapped[str] = mapped_column(String(64))
    states_json: Mapped[str] = mapped_column(Text)


class ReviewReturn(Base):
    """What came back for a sent package, kept beside the intensive, never mixed into it."""

    __tablename__ = "review_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    sent_id: Mapped[int] = mapped_column(
        ForeignKey("review_sent.id", ondelete="CASCADE"), unique=True
    )
    package_id: Mapped[str] = mapped_column(String(64))
    supervisor_name: Mapped[str] = mapped_column(String(200))
    supervisor_role: Mapped[str] = mapped_column(String(20))
    supervisor_sealing_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    supervisor_signing_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    returned_at: Mapped[datetime] = mapped_column(AwareDateTime)
    received_at: Mapped[datetime] = mapped_column(AwareDateTime)
    payload_json: Mapped[str] = mapped_column(Text)
    changed_after_review: Mapped[list[int]] = mapped_column(JsonList, default=list)
    cosigned_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

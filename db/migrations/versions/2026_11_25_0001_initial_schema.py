"""Initial schema: couples, intensives, days, blocks, notes, observations, audit.

Also installs the triggers that make a signed note and the audit trail
append-only, so not even raw SQL can rewrite them.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crucible.app.store.append_only import INITIAL_TRIGGERS
from crucible.app.store.types import AwareDateTime, IsoDate, JsonList

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The trigger statements live in app.store.append_only, unchanged, so that
# `crucible check` compares the database with the very text created here.
TRIGGERS = tuple(INITIAL_TRIGGERS.values())
TRIGGER_NAMES = tuple(INITIAL_TRIGGERS)


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", AwareDateTime(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("intensive_id", sa.Integer(), nullable=True),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)

    op.create_table(
        "clinician_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("credentials", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("supervisor", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "role IN ('clinician', 'trainee')", name=op.f("ck_clinician_profile_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinician_profile")),
    )
    op.create_table(
        "couple",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_couple")),
        sa.UniqueConstraint("code", name=op.f("uq_couple_code")),
    )
    op.create_table(
        "intensive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("clinician", sa.String(length=200), nullable=False),
        sa.Column("trainee", sa.String(length=200), nullable=True),
        sa.Column("supervisor", sa.String(length=200), nullable=True),
        sa.Column("reflections", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.CheckConstraint("status IN ('active', 'archived')", name=op.f("ck_intensive_status")),
        sa.ForeignKeyConstraint(
            ["couple_id"], ["couple.id"], name=op.f("fk_intensive_couple_id_couple")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intensive")),
    )
    with op.batch_alter_table("intensive", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intensive_couple_id"), ["couple_id"], unique=False)

    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("couple_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=1), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("pronouns", sa.String(length=40), nullable=False),
        sa.Column("colour", sa.String(length=9), nullable=False),
        sa.CheckConstraint("key IN ('A', 'B')", name=op.f("ck_partner_key")),
        sa.ForeignKeyConstraint(
            ["couple_id"],
            ["couple.id"],
            name=op.f("fk_partner_couple_id_couple"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        sa.UniqueConstraint("couple_id", "key", name="couple_key"),
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_couple_id"), ["couple_id"], unique=False)

    op.create_table(
        "day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intensive_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("date", IsoDate(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["intensive_id"],
            ["intensive.id"],
            name=op.f("fk_day_intensive_id_intensive"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day")),
        sa.UniqueConstraint("intensive_id", "number", name="intensive_number"),
    )
    with op.batch_alter_table("day", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_day_intensive_id"), ["intensive_id"], unique=False)

    op.create_table(
        "block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start", AwareDateTime(length=40), nullable=False),
        sa.Column("end", AwareDateTime(length=40), nullable=True),
        sa.CheckConstraint(
            "kind IN ('joint', 'individual-A', 'individual-B', 'break', 'homework', 'other')",
            name=op.f("ck_block_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["day_id"], ["day.id"], name=op.f("fk_block_day_id_day"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_block")),
    )
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_block_day_id"), ["day_id"], unique=False)

    op.create_table(
        "block_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", AwareDateTime(length=40), nullable=True),
        sa.Column("signed_by", sa.String(length=200), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["block.id"],
            name=op.f("fk_block_note_block_id_block"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_block_note")),
        sa.UniqueConstraint("block_id", name=op.f("uq_block_note_block_id")),
    )
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("at", AwareDateTime(length=40), nullable=False),
        sa.Column("at_utc", sa.String(length=32), nullable=False),
        sa.Column("offset_s", sa.Double(), nullable=False),
        sa.Column("partner", sa.String(length=1), nullable=False),
        sa.Column("stance", sa.String(length=10), nullable=False),
        sa.Column("boundary", sa.String(length=15), nullable=True),
        sa.Column("intensity", sa.Integer(), nullable=False),
        sa.Column("strategies", JsonList(), nullable=False),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("intervention", sa.Text(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "boundary IS NULL OR boundary IN ('walled-off', 'boundaryless', 'contained')",
            name=op.f("ck_observation_boundary"),
        ),
        sa.CheckConstraint("partner IN ('A', 'B')", name=op.f("ck_observation_partner")),
        sa.CheckConstraint(
            "stance IN ('one-up', 'same-as', 'one-down')", name=op.f("ck_observation_stance")
        ),
        sa.CheckConstraint("intensity BETWEEN 1 AND 5", name=op.f("ck_observation_intensity")),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["block.id"],
            name=op.f("fk_observation_block_id_block"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_at_utc"), ["at_utc"], unique=False)
        batch_op.create_index(batch_op.f("ix_observation_block_id"), ["block_id"], unique=False)

    op.create_table(
        "addendum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("at", AwareDateTime(length=40), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["block_note.id"],
            name=op.f("fk_addendum_note_id_block_note"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addendum")),
    )
    with op.batch_alter_table("addendum", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_addendum_note_id"), ["note_id"], unique=False)

    op.create_table(
        "note_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("saved_at", AwareDateTime(length=40), nullable=False),
        sa.Column("sections_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["block_note.id"],
            name=op.f("fk_note_revision_note_id_block_note"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_revision")),
    )
    with op.batch_alter_table("note_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_revision_note_id"), ["note_id"], unique=False)

    op.create_table(
        "note_section",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"],
            ["block_note.id"],
            name=op.f("fk_note_section_note_id_block_note"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_section")),
        sa.UniqueConstraint("note_id", "position", name="note_position"),
    )
    with op.batch_alter_table("note_section", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_section_note_id"), ["note_id"], unique=False)
    for trigger in TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("note_section", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_section_note_id"))

    op.drop_table("note_section")
    with op.batch_alter_table("note_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_revision_note_id"))

    op.drop_table("note_revision")
    with op.batch_alter_table("addendum", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_addendum_note_id"))

    op.drop_table("addendum")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_block_id"))
        batch_op.drop_index(batch_op.f("ix_observation_at_utc"))

    op.drop_table("observation")
    op.drop_table("block_note")
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_block_day_id"))

    op.drop_table("block")
    with op.batch_alter_table("day", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_day_intensive_id"))

    op.drop_table("day")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_couple_id"))

    op.drop_table("partner")
    with op.batch_alter_table("intensive", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intensive_couple_id"))

    op.drop_table("intensive")
    op.drop_table("couple")
    op.drop_table("clinician_profile")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")

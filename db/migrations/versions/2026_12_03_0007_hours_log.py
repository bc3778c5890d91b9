"""The trainee's hours log: manual contact, supervision, block marks and the chosen target.

Contact hours from intensives are counted from the blocks themselves
(app.domain.hours); these tables hold only what the record cannot know:
contact outside Crucible's intensives, the supervision log, the
clinician's word on a block ("counts as contact", "it did run"), and the
target preset. All of it lives in the encrypted database like every other
record. Decision: docs/decisions/0020-hours-log.md.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crucible.app.store.types import AwareDateTime, IsoDate, JsonList

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hours_contact_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on", IsoDate(length=10), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("couple_code", sa.String(length=32), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=True),
        sa.Column("created_at", AwareDateTime(length=40), nullable=False),
        sa.CheckConstraint(
            "minutes BETWEEN 1 AND 1440", name=op.f("ck_hours_contact_entry_minutes")
        ),
        sa.CheckConstraint(
            "kind IN ('relational', 'individual')", name=op.f("ck_hours_contact_entry_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_contact_entry")),
    )
    op.create_index(
        op.f("ix_hours_contact_entry_on"), "hours_contact_entry", ["on"], unique=False
    )
    op.create_table(
        "hours_supervision_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("on", IsoDate(length=10), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=12), nullable=False),
        sa.Column("observable", sa.String(length=8), nullable=False),
        sa.Column("supervisor", sa.String(length=200), nullable=False),
        sa.Column("intensive_ids", JsonList(), nullable=False),
        sa.Column("created_at", AwareDateTime(length=40), nullable=False),
        sa.CheckConstraint(
            "minutes BETWEEN 1 AND 1440", name=op.f("ck_hours_supervision_entry_minutes")
        ),
        sa.CheckConstraint(
            "format IN ('individual', 'group')", name=op.f("ck_hours_supervision_entry_format")
        ),
        sa.CheckConstraint(
            "observable IN ('live', 'video', 'audio', 'none')",
            name=op.f("ck_hours_supervision_entry_observable"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_supervision_entry")),
    )
    op.create_index(
        op.f("ix_hours_supervision_entry_on"), "hours_supervision_entry", ["on"], unique=False
    )
    op.create_table(
        "hours_block_mark",
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("contact_kind", sa.String(length=12), nullable=True),
        sa.Column("confirmed_ran", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "contact_kind IS NULL OR contact_kind IN ('relational', 'individual')",
            name=op.f("ck_hours_block_mark_contact_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["block_id"],
            ["block.id"],
            name=op.f("fk_hours_block_mark_block_id_block"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("block_id", name=op.f("pk_hours_block_mark")),
    )
    op.create_table(
        "hours_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("preset_id", sa.String(length=40), nullable=False),
        sa.Column("custom_json", sa.Text(), nullable=True),
        sa.Column("starts", IsoDate(length=10), nullable=True),
        sa.Column("ends", IsoDate(length=10), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_hours_target_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hours_target")),
    )


def downgrade() -> None:
    op.drop_table("hours_target")
    op.drop_table("hours_block_mark")
    op.drop_index(op.f("ix_hours_supervision_entry_on"), table_name="hours_supervision_entry")
    op.drop_table("hours_supervision_entry")
    op.drop_index(op.f("ix_hours_contact_entry_on"), table_name="hours_contact_entry")
    op.drop_table("hours_contact_entry")

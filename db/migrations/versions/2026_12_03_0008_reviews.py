"""The supervision loop: this vault's key pair, others' cards, reviews received, sent and returned.

Private keys live only here, inside the encrypted database. A received
review's payload is read-only once stored (a trigger refuses any UPDATE of
the row); the supervisor's comments, coding layer and co-signature sit in
their own tables beside it. On the trainee's side, each sent package keeps
the hashes it pinned, and what came back is stored beside the intensive,
never mixed into its records. Decision: docs/decisions/0022-review-packages.md.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crucible.app.store.append_only import REVIEW_TRIGGERS
from crucible.app.store.types import AwareDateTime, JsonList

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ROLE = "role IN ('clinician', 'trainee', 'supervisor')"


def _card_columns(prefix: str) -> list[sa.Column[object]]:
    return [
        sa.Column(f"{prefix}_name", sa.String(length=200), nullable=False),
        sa.Column(f"{prefix}_role", sa.String(length=20), nullable=False),
        sa.Column(f"{prefix}_sealing_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column(f"{prefix}_signing_key", sa.LargeBinary(length=32), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("sealing_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signing_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=39), nullable=False),
        sa.Column("imported_at", AwareDateTime(length=40), nullable=False),
        sa.CheckConstraint(_ROLE, name=op.f("ck_card_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_card_fingerprint")),
    )
    op.create_table(
        "own_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sealing_private", sa.LargeBinary(length=32), nullable=False),
        sa.Column("signing_private", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", AwareDateTime(length=40), nullable=False),
        sa.Column("supervisor_card_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_own_identity_single_row")),
        sa.ForeignKeyConstraint(
            ["supervisor_card_id"],
            ["card.id"],
            name=op.f("fk_own_identity_supervisor_card_id_card"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_identity")),
    )
    op.create_table(
        "review_received",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(length=64), nullable=False),
        sa.Column("file_digest", sa.String(length=64), nullable=False),
        *_card_columns("trainee"),
        sa.Column("sent_at", AwareDateTime(length=40), nullable=False),
        sa.Column("received_at", AwareDateTime(length=40), nullable=False),
        sa.Column("couple_code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_received")),
        sa.UniqueConstraint("package_id", name=op.f("uq_review_received_package_id")),
    )
    for statement in REVIEW_TRIGGERS.values():
        op.execute(statement)
    op.create_table(
        "review_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("block", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", AwareDateTime(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review_received.id"],
            name=op.f("fk_review_comment_review_id_review_received"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_comment")),
    )
    op.create_index(
        op.f("ix_review_comment_review_id"), "review_comment", ["review_id"], unique=False
    )
    op.create_table(
        "review_observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("document_json", sa.Text(), nullable=False),
        sa.Column("at_utc", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review_received.id"],
            name=op.f("fk_review_observation_review_id_review_received"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_observation")),
    )
    op.create_index(
        op.f("ix_review_observation_review_id"), "review_observation", ["review_id"], unique=False
    )
    op.create_table(
        "review_cosignature",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", AwareDateTime(length=40), nullable=False),
        sa.Column("covered_digest", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["review_received.id"],
            name=op.f("fk_review_cosignature_review_id_review_received"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("review_id", name=op.f("pk_review_cosignature")),
    )
    op.create_table(
        "review_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intensive_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(length=64), nullable=False),
        sa.Column("recipient_fingerprint", sa.String(length=39), nullable=False),
        sa.Column("sent_at", AwareDateTime(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("states_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intensive_id"],
            ["intensive.id"],
            name=op.f("fk_review_sent_intensive_id_intensive"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_sent")),
        sa.UniqueConstraint("package_id", name=op.f("uq_review_sent_package_id")),
    )
    op.create_index(
        op.f("ix_review_sent_intensive_id"), "review_sent", ["intensive_id"], unique=False
    )
    op.create_table(
        "review_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sent_id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.String(length=64), nullable=False),
        *_card_columns("supervisor"),
        sa.Column("returned_at", AwareDateTime(length=40), nullable=False),
        sa.Column("received_at", AwareDateTime(length=40), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("changed_after_review", JsonList(), nullable=False),
        sa.Column("cosigned_at", AwareDateTime(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["sent_id"],
            ["review_sent.id"],
            name=op.f("fk_review_return_sent_id_review_sent"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_return")),
        sa.UniqueConstraint("sent_id", name=op.f("uq_review_return_sent_id")),
    )


def downgrade() -> None:
    op.drop_table("review_return")
    op.drop_index(op.f("ix_review_sent_intensive_id"), table_name="review_sent")
    op.drop_table("review_sent")
    op.drop_table("review_cosignature")
    op.drop_index(op.f("ix_review_observation_review_id"), table_name="review_observation")
    op.drop_table("review_observation")
    op.drop_index(op.f("ix_review_comment_review_id"), table_name="review_comment")
    op.drop_table("review_comment")
    op.execute("DROP TRIGGER IF EXISTS review_received_read_only")
    op.drop_table("review_received")
    op.drop_table("own_identity")
    op.drop_table("card")

"""Key the audit chain: record where the HMAC-keyed links begin.

Events up to `keyed_after` (every event already in the vault when this
revision runs) keep their unkeyed SHA-256 links and are verified as they
are; every later event is linked with HMAC-SHA256 under a key derived from
the data key. The record is append-only, like the trail it describes.

Numbered 0004 while revision 0003 (block actual spans) is being written in
parallel; `down_revision` points at today's head and moves when they meet.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crucible.app.store.append_only import KEYING_TRIGGERS

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_keying",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("keyed_after", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_keying")),
    )
    op.execute(
        "INSERT INTO audit_keying (id, scheme, keyed_after) "
        "SELECT 1, 'hmac-sha256/1', COALESCE(MAX(id), 0) FROM audit_event"
    )
    for trigger in KEYING_TRIGGERS.values():
        op.execute(trigger)


def downgrade() -> None:
    for name in KEYING_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("audit_keying")

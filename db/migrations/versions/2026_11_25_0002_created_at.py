"""Record when each couple and intensive entered the vault.

The navigator sorts and labels by it; rows from revision 0001 keep NULL
(their creation time was never recorded, and guessing would falsify the record).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crucible.app.store.types import AwareDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("couple", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", AwareDateTime(length=40), nullable=True))
    with op.batch_alter_table("intensive", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", AwareDateTime(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intensive", schema=None) as batch_op:
        batch_op.drop_column("created_at")
    with op.batch_alter_table("couple", schema=None) as batch_op:
        batch_op.drop_column("created_at")

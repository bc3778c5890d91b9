"""Record when each block actually ran, beside its plan.

Live mode, the block clock and each logged observation fill these in; rows
from earlier revisions keep NULL, which the domain reads as "ran as planned"
(nothing else was recorded, and guessing would falsify the record).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crucible.app.store.types import AwareDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actual_start", AwareDateTime(length=40), nullable=True))
        batch_op.add_column(sa.Column("actual_end", AwareDateTime(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.drop_column("actual_end")
        batch_op.drop_column("actual_start")

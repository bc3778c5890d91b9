"""Staged imports: an intensive (and a couple it brought) hidden until its import is whole.

An import now commits in short chunks so a live key can commit between them
(issue 16). What it has written so far carries `staged_at`; every reader
that lists or searches intensives and couples skips rows where it is set,
and the import's last transaction clears it. A staged row left by a crash
is removed at the next unlock. Why a column and not a table of staged ids:
docs/decisions/0031-staged-import.md.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crucible.app.store.types import AwareDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("couple", "intensive")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("staged_at", AwareDateTime(length=40), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("staged_at")

"""Hours log: the setting (a clinic, a practice) of manual contact and supervision entries.

California counts supervision "in each setting": contact at one place is
claimable only against supervision for that place (docs/hours.md, the
`setting-week` ratio). Both entry tables get an optional `setting`, one
line of at most 80 characters; "" (every existing row) names none.
Blocks of Crucible's intensives need no column: they all count under one
setting, "Intensives (Crucible)".

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("hours_contact_entry", "hours_supervision_entry")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("setting", sa.String(length=80), nullable=False, server_default="")
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("setting")

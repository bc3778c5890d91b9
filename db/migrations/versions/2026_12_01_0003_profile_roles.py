"""The profile gains the supervisor role and a "complete" flag.

A supervisor reads trainees' reports; `crucible init` without a TTY or
options stores a stand-in profile (complete = false) that the app asks the
clinician to fill in at unlock. Existing profiles were made by the setup
wizard and are complete.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ROLES_0002 = "role IN ('clinician', 'trainee')"
ROLES_0003 = "role IN ('clinician', 'trainee', 'supervisor')"


def upgrade() -> None:
    with op.batch_alter_table("clinician_profile", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_clinician_profile_role"), type_="check")
        batch_op.create_check_constraint("role", ROLES_0003)
        batch_op.add_column(
            sa.Column("complete", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    # Revision 0002 knows no supervisors: such a profile steps back to a clinician's.
    op.execute("UPDATE clinician_profile SET role = 'clinician' WHERE role = 'supervisor'")
    with op.batch_alter_table("clinician_profile", schema=None) as batch_op:
        batch_op.drop_column("complete")
        batch_op.drop_constraint(op.f("ck_clinician_profile_role"), type_="check")
        batch_op.create_check_constraint("role", ROLES_0002)

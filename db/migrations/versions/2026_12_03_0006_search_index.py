"""The search index: FTS5 tables over every text a clinician may look for, kept by triggers.

External-content FTS5 tables (`search_<table>`) index note sections,
addenda, observations, intensives (title, reflections), block titles,
couple codes and partner names, inside the encrypted database. AFTER
triggers keep them current; the 'rebuild' command fills them for a vault
that already holds data. Decision: docs/decisions/0018-search-index.md.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

from crucible.app.store.search_index import (
    SEARCH_TRIGGERS,
    create_statements,
    drop_statements,
    rebuild_statements,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for statement in create_statements():
        op.execute(statement)
    for statement in SEARCH_TRIGGERS.values():
        op.execute(statement)
    for statement in rebuild_statements():
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements():
        op.execute(statement)

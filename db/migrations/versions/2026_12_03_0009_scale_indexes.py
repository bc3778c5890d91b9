"""Indexes for a ten-year vault: rows in the order the hot queries ask for them.

Issue 16 measured the queries of the navigator, a block's open and the
summary on a vault of 500 intensives and 1,000,000 observations (EXPLAIN
QUERY PLAN in docs/performance.md, "Ten-year vault"). Three plans sorted
in a temporary B-tree what an index can give in order:

- observations of a block by time: `(block_id, at_utc)` replaces the index
  on `block_id` alone (its prefix serves the foreign key and the counts;
  the rowid ends every index entry, so `ORDER BY block_id, at_utc, id`
  needs no sort);
- blocks of a day by position: `(day_id, position)` replaces `day_id`;
- the first day of an intensive (`min(date)`, for the navigator and
  `crucible list`): `(intensive_id, date)` replaces `intensive_id`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

REPLACED = (
    # (table, old index, old columns, new index, new columns)
    ("observation", "ix_observation_block_id", ["block_id"], "ix_observation_block_time", ["block_id", "at_utc"]),
    ("block", "ix_block_day_id", ["day_id"], "ix_block_day_position", ["day_id", "position"]),
    ("day", "ix_day_intensive_id", ["intensive_id"], "ix_day_intensive_date", ["intensive_id", "date"]),
)


def upgrade() -> None:
    for table, old, _old_columns, new, columns in REPLACED:
        op.create_index(new, table, columns)
        op.drop_index(old, table_name=table)


def downgrade() -> None:
    for table, old, old_columns, new, _columns in REPLACED:
        op.create_index(old, table, old_columns)
        op.drop_index(new, table_name=table)

"""Alembic environment: migrations always run on a connection the app opened and keyed.

The vault is encrypted, so Alembic never builds an engine from a URL here;
`app.store.migrate` passes a keyed connection in `config.attributes`.
"""

from __future__ import annotations

from alembic import context

from crucible.app.store.migrate import STEP_APPLIED
from crucible.app.store.models import Base
from crucible.app.store.search_index import is_search_table


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the search index's FTS5 tables (made by SQL in 0006, not models) out of compares."""
    return not (type_ == "table" and name is not None and is_search_table(name))


def report_step(**_: object) -> None:
    """After each revision: tell `app.store.migrate.upgrade`'s caller how far the update is."""
    applied = context.config.attributes.get(STEP_APPLIED)
    if applied is not None:
        applied()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Crucible migrations run through crucible.app.store.migrate on an unlocked vault."
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things in place
    compare_type=True,
    include_name=include_name,
    on_version_apply=report_step,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()

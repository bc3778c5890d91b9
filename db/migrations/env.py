"""Alembic environment: migrations always run on a connection the app opened and keyed.

The vault is encrypted, so Alembic never builds an engine from a URL here;
`app.store.migrate` passes a keyed connection in `config.attributes`.
"""

from __future__ import annotations

from alembic import context

from app.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Crucible migrations run through app.store.migrate on an unlocked vault.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things in place
    compare_type=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()

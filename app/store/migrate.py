"""Bring a vault's schema to head with Alembic, on the app's own keyed connection.

Migrations ship inside the `db.migrations` package, so an installed app
finds them without a working directory or an alembic.ini beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from app.store.engine import WRITE_OPTION


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations, bound to `connection`."""
    location = resources.files("db.migrations")
    config = Config(str(location / "alembic.ini"))
    config.set_main_option("script_location", str(location))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this build of the app knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the vault's schema is at; None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _run(engine: Engine, action: Callable[[Config], None]) -> None:
    """Run a migration in one transaction, with foreign keys off while tables are rebuilt.

    Alembic's batch mode rebuilds a table by copy, drop and rename. With
    foreign keys on, the drop cascades into child rows (and the signed-note
    triggers rightly refuse that), so enforcement is off during the
    migration, as SQLite's ALTER TABLE documentation prescribes, and
    `foreign_key_check` must come back empty before the commit. The pragma is
    set on the raw connection, outside any transaction, where SQLite honours it.
    """
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.execution_options(**{WRITE_OPTION: True}).begin():
                action(alembic_config(connection))
                violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if violations:
                    raise RuntimeError("the migration left rows pointing at nothing; rolled back")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade in one transaction: a failure part-way leaves the schema as it was."""
    _run(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade in one transaction (used by tests and by rollback tooling)."""
    _run(engine, lambda config: command.downgrade(config, revision))


def check_no_drift(engine: Engine) -> None:
    """Raise if the models and the migrations disagree (`alembic check`)."""
    with engine.begin() as connection:
        command.check(alembic_config(connection))


def needs_upgrade(engine: Engine) -> bool:
    """Whether the vault is behind this build's head revision."""
    return current_revision(engine) != head_revision()

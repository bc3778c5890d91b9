"""Bring a vault's schema to head with Alembic, on the app's own keyed connection.

Migrations ship inside the `db.migrations` package, so an installed app
finds them without a working directory or an alembic.ini beside it.
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine


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


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade in one transaction: a failure part-way leaves the schema as it was."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade in one transaction (used by tests and by rollback tooling)."""
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)


def check_no_drift(engine: Engine) -> None:
    """Raise if the models and the migrations disagree (`alembic check`)."""
    with engine.begin() as connection:
        command.check(alembic_config(connection))


def needs_upgrade(engine: Engine) -> bool:
    """Whether the vault is behind this build's head revision."""
    return current_revision(engine) != head_revision()

"""Bring a vault's schema to head with Alembic, on the app's own keyed connection.

Migrations ship inside the `db.migrations` package, so an installed app
finds them without a working directory or an alembic.ini beside it.

Every unlock asks "is this vault behind?", and most of the time the answer is
no. That question is answered without Alembic: the vault's revision is one
SELECT on `alembic_version`, and this build's head is read from the revision
files' `revision` and `down_revision` lines (read as text, not imported). Alembic
itself, which costs a few hundred milliseconds to import and more to load
every revision script, is loaded only to migrate, to check drift, or to list
the revisions a backup may carry.
"""

from __future__ import annotations

import ast
import functools
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from crucible.app.store.engine import WRITE_OPTION

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection, Engine


def migrations_location() -> Path:
    """The folder of the packaged migrations (env.py, alembic.ini, versions/).

    Read from the package's own location: Alembic needs a real folder anyway,
    and importlib.resources would cost every unlock tens of milliseconds.
    """
    import crucible.db.migrations

    return Path(crucible.db.migrations.__file__).resolve().parent


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations, bound to `connection`."""
    from alembic.config import Config

    location = migrations_location()
    config = Config(str(location / "alembic.ini"))
    config.set_main_option("script_location", str(location))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision this build of the app knows, as Alembic computes it."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


_ASSIGNMENT = re.compile(r"^(\w+)[ \t]*(?::[^=\n]*)?=[ \t]*(.+?)[ \t]*$", re.MULTILINE)


def _literal_assignments(source: str, names: tuple[str, ...]) -> dict[str, object]:
    """Module-level `name = <literal>` (or annotated) one-line assignments of a revision file.

    Only unindented lines are looked at and only their right-hand side is
    evaluated, as a literal: parsing whole revision files costs tens of
    milliseconds, and every unlock asks for the head.
    """
    found: dict[str, object] = {}
    for match in _ASSIGNMENT.finditer(source):
        name, value = match.groups()
        if name in names and name not in found:
            found[name] = ast.literal_eval(value)
    return found


def known_head() -> str:
    """This build's head revision, read from the revision files without importing them.

    The head is the one revision that no other revision names as its
    `down_revision`. A test checks that this agrees with Alembic's own answer.
    Parsing the files costs tens of milliseconds, so it is done once per
    process and location: every unlock asks.

    Raises:
        RuntimeError: If the files do not name exactly one head.
    """
    return _head_of(migrations_location())


@functools.lru_cache(maxsize=4)
def _head_of(location: Path) -> str:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((location / "versions").glob("*.py")):
        values = _literal_assignments(path.read_text("utf-8"), ("revision", "down_revision"))
        revision = values.get("revision")
        if not isinstance(revision, str):
            continue  # not a revision script (e.g. __init__.py)
        revisions.add(revision)
        down = values.get("down_revision")
        parents.update([down] if isinstance(down, str) else list(down or ()))  # type: ignore[call-overload]
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the packaged migrations have {len(heads)} heads, expected one")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the vault's schema is at; None for an empty database.

    Raises:
        RuntimeError: If the version table holds more than one revision.
    """
    with engine.connect() as connection:
        table = connection.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if table is None:
            return None
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    if len(rows) > 1:
        raise RuntimeError("the vault's schema records more than one revision")
    return str(rows[0][0]) if rows else None


def _run(engine: Engine, action: Callable[[Config], None]) -> None:
    """Run a migration in one transaction, with foreign keys off while tables are rebuilt.

    Alembic's batch mode rebuilds a table by copy, drop and rename. With
    foreign keys on, the drop cascades into child rows (and the signed-note
    triggers rightly refuse that), so enforcement is off during the
    migration, as SQLite's ALTER TABLE documentation prescribes, and
    `foreign_key_check` must come back empty before the commit. The pragma is
    set on the raw connection, outside any transaction, where SQLite honours it.
    """
    started = time.monotonic()
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
        except Exception as error:
            log.warning("schema migration failed (%s) and was rolled back", type(error))
            raise
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
    log.info("schema migration finished in %.3f s", time.monotonic() - started)


STEP_APPLIED = "on_step_applied"
"""The config attribute db/migrations/env.py calls after each revision it applies."""


def upgrade(
    engine: Engine,
    revision: str = "head",
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Upgrade in one transaction: a failure part-way leaves the schema as it was.

    `progress(done, total)` is called before the first revision and after
    each one, so the unlock screen can say how far a long update is (the
    search index's first fill takes seconds on a large casebook).
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    def action(config: Config) -> None:
        current = current_revision(engine)
        if progress is not None:
            steps = ScriptDirectory.from_config(config).iterate_revisions(revision, current)
            total = len(list(steps))
            done = [0]
            progress(0, total)

            def applied() -> None:
                done[0] += 1
                progress(done[0], total)

            config.attributes[STEP_APPLIED] = applied
        command.upgrade(config, revision)
        connection = config.attributes["connection"]
        if current is not None and revision == "head" and current != known_head():
            _record_upgrade(connection, current, known_head())

    _run(engine, action)


def _record_upgrade(connection: Connection, before: str, after: str) -> None:
    """Audit a vault's schema upgrade, with the release that made it, in the upgrade's transaction.

    Either both the new schema and its record are committed or neither is:
    a later reader of the trail can tell which release of Crucible changed the
    vault's format, and from which revision. A new vault's first migration is
    not an upgrade; its creation is audited on its own (`vault-created`).
    """
    from datetime import datetime

    from sqlalchemy.orm import Session

    from crucible.app.domain.audit_vocabulary import SYSTEM_ACTOR, AuditAction
    from crucible.app.domain.release import version
    from crucible.app.store.audit import append_event

    with Session(bind=connection) as session:
        append_event(
            session,
            at=datetime.now().astimezone(),
            actor=SYSTEM_ACTOR,
            action=AuditAction.SCHEMA_UPGRADED,
            detail={"from_revision": before, "to_revision": after, "crucible": version()},
        )
        session.flush()


def downgrade(engine: Engine, revision: str) -> None:
    """Downgrade in one transaction (used by tests and by rollback tooling)."""
    from alembic import command

    _run(engine, lambda config: command.downgrade(config, revision))


def check_no_drift(engine: Engine) -> None:
    """Raise if the models and the migrations disagree (`alembic check`)."""
    from alembic import command

    with engine.begin() as connection:
        command.check(alembic_config(connection))


def needs_upgrade(engine: Engine) -> bool:
    """Whether the vault is behind this build's head revision (one SELECT, no Alembic)."""
    return current_revision(engine) != known_head()

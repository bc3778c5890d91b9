"""The log's filter: constant messages, safe argument types, client-free tracebacks; the file."""

from __future__ import annotations

import logging
import os
import stat
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from crucible.app.domain.vocabulary import Stance
from crucible.app.services import logbook
from crucible.app.services.logbook import LOG_FOLDER, Version, log_path, start_logbook, stop_logbook
from crucible.app.store.vault import Vault
from tests.cli.conftest import Crucible

CANARY = "Dana-CANARY-Whitfield"
log = logging.getLogger("crucible.app.tests.logbook")


@pytest.fixture
def vault_log(vault: Vault) -> Iterator[Path]:
    """The log of a real (fast-key) vault, started for the test and stopped after it."""
    start_logbook(vault.folder)
    yield log_path(vault.folder)
    stop_logbook()


def _written(path: Path) -> str:
    stop_logbook()  # writes and closes: what is on disk is all there is
    return "".join(p.read_text("utf-8") for p in sorted(path.parent.iterdir()))


def test_a_message_built_at_run_time_is_withheld(vault_log: Path) -> None:
    """An f-string or a variable as the message is not a constant of the code: withheld."""
    name = CANARY
    log.info(f"opened the file of {name}")  # noqa: G004 (the mistake under test)
    log.warning(name)
    log.info("a constant message is kept")
    text = _written(vault_log)
    assert CANARY not in text
    assert text.count(logbook.WITHHELD_MESSAGE) == 2
    assert "a constant message is kept" in text


def test_text_arguments_are_withheld_and_safe_ones_kept(vault_log: Path, vault: Vault) -> None:
    """Strings, bytes, containers and outside paths go; numbers, enums, ids, code names stay."""
    marker = uuid.UUID(int=7)
    log.info(
        "%s %s %s %s %s | %d %.1f %s %s %s %s %s %s %s",
        CANARY,
        CANARY.encode(),
        [CANARY],
        {"name": CANARY},
        Path("/home") / CANARY / "report.pdf",
        42,
        2.5,
        True,
        Stance.ONE_UP,
        marker,
        datetime(2026, 11, 25, 9, 30),
        timedelta(seconds=3),
        vault.folder / "backups",
        start_logbook,
    )
    text = _written(vault_log)
    assert CANARY not in text
    assert "<withheld str> <withheld bytes> <withheld list> <withheld dict> <withheld path>" in text
    assert f"| 42 2.5 True Stance.ONE_UP {marker} 2026-11-25 09:30:00 0:00:03" in text
    assert str(vault.folder / "backups") in text
    assert "crucible.app.services.logbook.start_logbook" in text


def test_a_format_that_does_not_fit_the_withheld_value_still_leaves_one_line(
    vault_log: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """`%d` given a string: no logging error on stderr with the argument, a placeholder instead."""
    log.info("intensive %d opened", CANARY)
    text = _written(vault_log)
    assert "intensive %d opened [arguments: <withheld str>]" in text
    assert CANARY not in text
    assert CANARY not in capfd.readouterr().err


def test_a_traceback_is_type_and_frames_never_the_message(vault_log: Path) -> None:
    """The exception's message (a missing key: a client's name) and its cause's never appear."""

    def find_partner() -> None:
        try:
            {}[CANARY]
        except KeyError as error:
            raise ValueError(f"no partner called {CANARY}") from error

    try:
        find_partner()
    except ValueError:
        log.exception("lookup failed")
    text = _written(vault_log)
    assert CANARY not in text
    assert "lookup failed\nValueError\n" in text
    assert 'File "tests/services/test_logbook.py", line' in text
    assert "in find_partner" in text
    assert "which happened while handling:\nKeyError" in text


def test_other_libraries_keep_their_name_and_level_only(vault_log: Path) -> None:
    """A library's message may quote SQL parameters or paths; only its logger name is kept."""
    logging.getLogger("sqlalchemy.engine").warning("parameters: %s", CANARY)
    logging.getLogger("sqlalchemy.engine").warning(f"parameters: {CANARY}")  # noqa: G004
    text = _written(vault_log)
    assert CANARY not in text
    assert text.count(f"WARNING sqlalchemy.engine: {logbook.LIBRARY_MESSAGE}") == 2


def test_versions_hold_numbers_only() -> None:
    """A version is how text-looking facts are logged: refused unless it is whole numbers."""
    assert str(Version.of("6.8.0.2")) == "6.8.0.2"
    assert str(Version.of("4.19.0 community")) == "4.19.0"
    with pytest.raises(ValueError, match="invalid literal"):
        Version([CANARY])  # type: ignore[list-item]


def test_the_log_is_owner_only_and_rotates_at_its_size(
    vault_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folder 0700, every file 0600, five old files kept beside the current one."""
    stop_logbook()
    monkeypatch.setattr(logbook, "MAX_BYTES", 2_000)
    start_logbook(vault_log.parent.parent)
    for number in range(400):
        log.info("record %d of a long run", number)
    text = _written(vault_log)
    folder = vault_log.parent
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["crucible.log", *(f"crucible.log.{n}" for n in range(1, 6))]
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name
    assert "record 399 of a long run" in text
    assert "record 0 of a long run" not in text  # rotated away: the log stays small


def test_a_refused_init_leaves_no_log_in_someone_elses_folder(tmp_path: Path) -> None:
    """`crucible init` on a folder with other files is refused: no logs folder appears there."""
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "letter.txt").write_text("mine", "utf-8")
    result = Crucible(documents)("init")
    assert result.status == 2, result.err
    assert sorted(p.name for p in documents.iterdir()) == ["letter.txt"]


def test_lines_before_the_vault_exists_reach_its_log(tmp_path: Path) -> None:
    """`crucible init`: the start line waits in memory until the vault is there, then is written."""
    folder = tmp_path / "vault"
    result = Crucible(folder)("init")
    assert result.status == 0, result.err
    text = log_path(folder).read_text("utf-8")
    assert "command crucible.app.cli.commands._init started: Crucible" in text
    assert "vault created" in text
    assert "command crucible.app.cli.commands._init ended: status 0" in text
    assert (folder / LOG_FOLDER).is_dir()

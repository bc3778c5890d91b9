"""A real import steps aside while the clinician gives input, and never while holding the writer.

Decision 0032: while an import validates and writes on the background
helper, a live key's handling waited for the interpreter at every call into
Qt and SQLite (50 ms a key instead of 13 on the ten-year vault). The import
now checks `Vault.foreground` every few observations and sleeps while input
is recent. Here input is always recent, so every check waits; each wait
looks, from another thread, at whether the writer is held and whether the
intensive was staged yet. The speed itself is measured by bench/scale.py.
"""

from __future__ import annotations

import json
import threading

from sqlalchemy import func, select

from bench.common import big_document
from crucible.app.domain.foreground import PACE_EVERY, Foreground
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.store import models
from crucible.app.store.vault import Vault

OBSERVATIONS = 3000


def _document() -> bytes:
    document = big_document(OBSERVATIONS)
    document["couple"]["code"] = "C-ASIDE"
    return json.dumps(document).encode()


def _intensive_rows(vault: Vault) -> int:
    """Every intensive row, staged or published."""
    with vault.engine.connect() as connection:
        return int(
            connection.execute(select(func.count()).select_from(models.Intensive)).scalar_one()
        )


class InputAlwaysRecent(Foreground):
    """The real foreground's pacing, with input always recent: every check waits.

    A wait costs nothing here; instead it looks, from another thread, at
    whether the vault's writer is held and how many intensive rows exist.
    """

    def __init__(self, vault: Vault) -> None:
        super().__init__()
        self.vault = vault
        self.looks: list[tuple[bool, int]] = []

    @property
    def wanted(self) -> bool:
        return True

    def wait_turn(self) -> float:
        seen: list[tuple[bool, int]] = []
        looker = threading.Thread(
            target=lambda: seen.append((self.vault.writer_busy, _intensive_rows(self.vault)))
        )
        looker.start()
        looker.join(10)
        self.looks.append(seen[0])
        return 0.0


def test_an_import_waits_for_input_while_validating_and_writing_never_holding_the_writer(
    vault: Vault,
) -> None:
    before = _intensive_rows(vault)
    foreground = InputAlwaysRecent(vault)
    vault.foreground = foreground

    new_id = import_intensive(vault, _document(), actor="test")

    assert not any(held for held, _rows in foreground.looks), "waited holding the vault's writer"
    validating = [rows for _held, rows in foreground.looks if rows == before]
    writing = [rows for _held, rows in foreground.looks if rows == before + 1]
    # scanned and validated: one check per PACE_EVERY observations, twice over
    assert len(validating) >= 2 * OBSERVATIONS // PACE_EVERY - 2
    # rows built and statements between: at least one check per PACE_EVERY rows
    assert len(writing) >= OBSERVATIONS // PACE_EVERY
    imported = get_intensive(vault, new_id)
    assert sum(len(b.observations) for d in imported.days for b in d.blocks) == OBSERVATIONS


def test_without_input_an_import_never_sleeps(vault: Vault) -> None:
    slept: list[float] = []
    vault.foreground = Foreground(sleep=slept.append)
    import_intensive(vault, _document(), actor="test")
    assert slept == []

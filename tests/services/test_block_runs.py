"""The vault records when a block actually ran: live on, each observation, live off, "today"."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crucible.app.domain.block_span import Run, effective_span
from crucible.app.domain.intensive import Block, Observation
from crucible.app.domain.vocabulary import PartnerKey, Stance
from crucible.app.services.block_runs import move_run_to, record_end, record_start
from crucible.app.services.errors import NotFoundError
from crucible.app.services.intensive_exchange import get_intensive, import_intensive
from crucible.app.services.observations import log_observation
from crucible.app.store.vault import Vault


@pytest.fixture
def block(vault: Vault, sample_bytes: bytes) -> Block:
    """Day 1's first block of the sample: planned Monday 2 November, 09:00-11:30."""
    intensive = get_intensive(vault, import_intensive(vault, sample_bytes, actor="t"))
    return intensive.days[0].blocks[0]


def _stored(vault: Vault, block: Block) -> Block:
    assert block.id is not None
    intensive_id = 1
    for day in get_intensive(vault, intensive_id).days:
        for candidate in day.blocks:
            if candidate.id == block.id:
                return candidate
    raise LookupError(block.id)


def _clock(block: Block, hours: int, minutes: int, days: int = 0) -> datetime:
    return block.start.replace(hour=hours, minute=minutes) + timedelta(days=days)


def _log(vault: Vault, block: Block, at: datetime) -> int:
    assert block.id is not None
    return log_observation(vault, block.id, Observation(at, PartnerKey.A, Stance.ONE_UP))


def test_an_imported_block_has_no_run(vault: Vault, block: Block) -> None:
    """A /1 import records nothing: the plan is what ran."""
    assert (block.actual_start, block.actual_end) == (None, None)


def test_live_on_records_the_start_once(vault: Vault, block: Block) -> None:
    """09:20 is kept; a second live on at 10:00 does not move it."""
    assert block.id is not None
    assert record_start(vault, block.id, _clock(block, 9, 20)) == Run(_clock(block, 9, 20), None)
    assert record_start(vault, block.id, _clock(block, 10, 0)) == Run(_clock(block, 9, 20), None)
    assert _stored(vault, block).actual_start == _clock(block, 9, 20)


def test_logging_extends_the_end_and_never_pulls_it_back(vault: Vault, block: Block) -> None:
    """An observation at 11:50 extends the run; one logged later at 10:00 leaves 11:50."""
    assert block.id is not None
    record_start(vault, block.id, _clock(block, 9, 20))
    _log(vault, block, _clock(block, 11, 50))
    assert _stored(vault, block).actual_end == _clock(block, 11, 50)
    _log(vault, block, _clock(block, 10, 0))
    stored = _stored(vault, block)
    assert stored.actual_end == _clock(block, 11, 50)
    # The sample logged from 09:01:52, before the recorded 09:20: the span covers it.
    assert effective_span(stored).start == min(o.at for o in stored.observations)


def test_live_off_extends_the_end(vault: Vault, block: Block) -> None:
    """Stopping at 11:55 after the last observation at 11:50 ends the run at 11:55."""
    assert block.id is not None
    _log(vault, block, _clock(block, 11, 50))
    assert record_end(vault, block.id, _clock(block, 11, 55)) == Run(None, _clock(block, 11, 55))


def test_a_block_moved_to_today(vault: Vault, block: Block) -> None:
    """Yes, log it as today: the run is now, on Tuesday."""
    assert block.id is not None
    record_start(vault, block.id, _clock(block, 9, 5))
    record_end(vault, block.id, _clock(block, 11, 0))
    tuesday = _clock(block, 9, 12, days=1)
    assert move_run_to(vault, block.id, tuesday) == Run(tuesday, tuesday)
    assert _stored(vault, block).actual_start == tuesday


def test_an_unknown_block_is_a_clear_error(vault: Vault) -> None:
    """Every run write names a missing block."""
    now = datetime.fromisoformat("2026-11-02T09:00:00-05:00")
    for write in (record_start, record_end, move_run_to):
        with pytest.raises(NotFoundError, match="no block with id 9999"):
            write(vault, 9999, now)

"""What the workspace knows about the open block: the intensive, and this block's observations.

The intensive is loaded once when a block is opened; after that only this
block's observations change (each one already committed to the vault), so
they are kept here in time order and the frozen domain objects that the
analytics need are rebuilt from them on demand. No Qt: the table model, the
timeline and the summary all read from one record, so they cannot disagree.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Mapping
from datetime import datetime

from crucible.app.domain.block_span import Run, run_of, span_of_time_ordered
from crucible.app.domain.intensive import Block, Day, Intensive, Observation, Partner
from crucible.app.domain.vocabulary import PartnerKey, partner_colour

"""Blue and orange: told apart by most forms of colour blindness, on light and dark."""


def _order(observation: Observation) -> tuple[datetime, int]:
    return (observation.at, observation.id if observation.id is not None else 0)


def with_observations(
    intensive: Intensive, observations: Mapping[int, tuple[Observation, ...]], keep: int
) -> Intensive:
    """The intensive with the given blocks' observations filled in (block `keep` untouched)."""
    days = tuple(
        dataclasses.replace(
            day,
            blocks=tuple(
                dataclasses.replace(block, observations=observations[block.id])
                if block.id is not None and block.id in observations and block.id != keep
                else block
                for block in day.blocks
            ),
        )
        for day in intensive.days
    )
    return dataclasses.replace(intensive, days=days)


class BlockRecord:
    """The open block's observations, kept sorted by (time, id), over the loaded intensive.

    `complete` is False while the intensive is an outline (only this block's
    observations read, see `BlockServices.intensive_outline`): the day and
    intensive scopes then lack the other blocks' observations until
    `complete_with` brings them.
    """

    def __init__(self, intensive: Intensive, block_id: int, *, complete: bool = True) -> None:
        self.intensive = intensive
        self.block_id = block_id
        self.complete = complete
        self.day_index, self.block_index = self._locate(intensive, block_id)
        loaded = self._loaded_block().observations
        self._observations: list[Observation] = sorted(loaded, key=_order)
        self._keys: list[tuple[datetime, int]] = [_order(o) for o in self._observations]
        self._by_id: dict[int, Observation] = {
            o.id: o for o in self._observations if o.id is not None
        }  # finding one by id is a dict look-up and a bisection, not a scan (several per key)
        self.run: Run = run_of(self._loaded_block())
        """When the block actually ran, as the vault holds it now (see `set_run`)."""
        self._block_cache: Block | None = None

    @staticmethod
    def _locate(intensive: Intensive, block_id: int) -> tuple[int, int]:
        for day_index, day in enumerate(intensive.days):
            for block_index, block in enumerate(day.blocks):
                if block.id == block_id:
                    return day_index, block_index
        raise LookupError(f"block {block_id} is not in intensive {intensive.id}")

    def _loaded_block(self) -> Block:
        return self.intensive.days[self.day_index].blocks[self.block_index]

    # ------------------------------------------------------------------ reading

    @property
    def day(self) -> Day:
        """The open block's day, as loaded (its blocks without this block's latest changes)."""
        return self.intensive.days[self.day_index]

    def partner(self, key: PartnerKey) -> Partner:
        """One partner of the couple."""
        return self.intensive.couple.partner(key)

    def partner_colour(self, key: PartnerKey) -> str:
        """The partner's colour: their own if the record has one, else the default pair's."""
        return partner_colour(key, self.partner(key).colour)

    def observations(self) -> list[Observation]:
        """This block's observations in time order (a copy)."""
        return list(self._observations)

    def __len__(self) -> int:
        return len(self._observations)

    def at(self, row: int) -> Observation:
        """The observation in time-order position `row`."""
        return self._observations[row]

    def row_of(self, observation_id: int) -> int | None:
        """The time-order position of an observation, or None if it is not in the block."""
        observation = self._by_id.get(observation_id)
        if observation is None:
            return None
        row = bisect.bisect_left(self._keys, _order(observation))
        if row < len(self._observations) and self._observations[row] is observation:
            return row
        for row, other in enumerate(self._observations):  # never expected: keys are unique
            if other.id == observation_id:
                return row
        return None

    def get(self, observation_id: int) -> Observation | None:
        """The observation with this id, or None."""
        return self._by_id.get(observation_id)

    def block(self) -> Block:
        """The open block as a frozen domain object, with its current observations."""
        if self._block_cache is None:
            self._block_cache = dataclasses.replace(
                self._loaded_block(),
                observations=tuple(self._observations),
                actual_start=self.run.start,
                actual_end=self.run.end,
            )
            span_of_time_ordered(self._block_cache)  # kept in time order: no scan for its span
        return self._block_cache

    def day_blocks(self) -> tuple[Block, ...]:
        """The open block's day, with the open block current."""
        blocks = list(self.day.blocks)
        blocks[self.block_index] = self.block()
        return tuple(blocks)

    def all_blocks(self) -> tuple[Block, ...]:
        """Every block of the intensive, with the open block current."""
        blocks: list[Block] = []
        for day_index, day in enumerate(self.intensive.days):
            blocks.extend(self.day_blocks() if day_index == self.day_index else day.blocks)
        return tuple(blocks)

    def current_intensive(self) -> Intensive:
        """The intensive with this block's latest observations in it."""
        days = list(self.intensive.days)
        days[self.day_index] = dataclasses.replace(self.day, blocks=self.day_blocks())
        return dataclasses.replace(self.intensive, days=tuple(days))

    def other_block_ids(self) -> list[int]:
        """The ids of every other block of the intensive, in day and block order."""
        return [
            block.id
            for day in self.intensive.days
            for block in day.blocks
            if block.id is not None and block.id != self.block_id
        ]

    # ------------------------------------------------------------------ changing

    def complete_with(self, observations: Mapping[int, tuple[Observation, ...]]) -> None:
        """Fill the other blocks' observations into an outline (this block's stay as they are)."""
        self.intensive = with_observations(self.intensive, observations, self.block_id)
        self.complete = True
        self._block_cache = None

    def add(self, observation: Observation) -> int:
        """Insert a committed observation (it carries its id); returns its row."""
        key = _order(observation)
        row = bisect.bisect_right(self._keys, key)
        self._observations.insert(row, observation)
        self._keys.insert(row, key)
        if observation.id is not None:
            self._by_id[observation.id] = observation
        self._block_cache = None
        return row

    def remove(self, observation_id: int) -> tuple[int, Observation]:
        """Take an observation out; returns the row it had and its content."""
        row = self.row_of(observation_id)
        if row is None:
            raise LookupError(f"observation {observation_id} is not in this block")
        del self._keys[row]
        self._by_id.pop(observation_id, None)
        self._block_cache = None
        return row, self._observations.pop(row)

    def set_run(self, run: Run) -> None:
        """Take the run the vault now holds (live on/off, a log, "today")."""
        if run != self.run:
            self.run = run
            self._block_cache = None

    def replace(self, observation: Observation) -> None:
        """Swap in a changed observation (same id), keeping time order."""
        assert observation.id is not None
        self.remove(observation.id)
        self.add(observation)


def newest_of(
    record: BlockRecord, partner: PartnerKey
) -> tuple[Observation | None, Observation | None]:
    """A partner's newest observation in the block and the one before it (None where none).

    Scans back from the end, so a live key (the newest, or nearly) costs a few steps.
    """
    newest: Observation | None = None
    for row in range(len(record) - 1, -1, -1):
        observation = record.at(row)
        if observation.partner != partner:
            continue
        if newest is not None:
            return newest, observation
        newest = observation
    return newest, None

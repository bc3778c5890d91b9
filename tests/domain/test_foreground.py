"""Background work steps aside for the clinician's input, for a bounded time (decision 0032)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crucible.app.domain.foreground import LONGEST_WAIT_S, PACE_EVERY, WINDOW_S, Foreground


class FakeTime:
    """A clock that moves only when work sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_no_input_means_no_wait() -> None:
    time = FakeTime()
    foreground = Foreground(clock=time.clock, sleep=time.sleep)
    assert not foreground.wanted
    assert foreground.wait_turn() == 0.0
    assert time.slept == []


def test_work_waits_out_the_rest_of_the_window_after_an_input() -> None:
    time = FakeTime()
    foreground = Foreground(clock=time.clock, sleep=time.sleep)
    foreground.touch()
    time.now += 0.015  # the work reaches its check 15 ms after the key
    assert foreground.wanted
    slept = foreground.wait_turn()
    assert abs(slept - (WINDOW_S - 0.015)) < 1e-9
    assert not foreground.wanted
    assert foreground.wait_turn() == 0.0  # a second check right after: nothing left to wait


def test_endless_input_still_lets_work_move_on() -> None:
    """Each sleep sees new input (a held key's repeats): the wait ends at its cap anyway."""
    time = FakeTime()
    foreground = Foreground(clock=time.clock, sleep=time.sleep)

    def sleep_through_more_input(seconds: float) -> None:
        time.sleep(seconds)
        foreground.touch()

    foreground._sleep = sleep_through_more_input
    foreground.touch()
    slept = foreground.wait_turn()
    assert abs(slept - LONGEST_WAIT_S) < 1e-9


@given(st.integers(min_value=0, max_value=500))
def test_a_paced_loop_checks_once_every_pace_every_items(items: int) -> None:
    checks: list[float] = []
    time = FakeTime()
    foreground = Foreground(clock=time.clock, sleep=time.sleep)
    foreground.wait_turn = lambda: checks.append(time.now) or 0.0  # type: ignore[method-assign]
    for _ in range(items):
        foreground.pace()
    assert len(checks) == items // PACE_EVERY

"""Process-wide interpreter settings, decided once at the composition root.

Widget code must not change what the whole process does (the cyclic
collector, the GIL's switch interval): a setting flipped by one widget is
silently inherited by every other thread and widget. The choices and the
numbers behind them are in docs/decisions/0017-one-write-path.md.
"""

from __future__ import annotations

import sys

SWITCH_INTERVAL_S = 0.005
"""The interpreter's own default, kept: see decision 0017 for the measurement."""


def apply_process_policy() -> None:
    """Set the process-wide policies once, before the first window."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)

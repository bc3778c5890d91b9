"""Process hardening while a vault is unlocked: no core dumps that could hold the key."""

from __future__ import annotations

import ctypes
import sys

PR_SET_DUMPABLE = 4


def disable_core_dumps() -> None:
    """Set RLIMIT_CORE to 0 and, on Linux, mark the process not dumpable.

    Not dumpable also keeps other processes of the same user from attaching
    with ptrace or reading /proc/PID/mem, where the data key lives.
    """
    try:
        import resource
    except ImportError:  # Windows has no core dumps to switch off this way
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        # The interpreter's own symbols include libc's prctl; find_library("c")
        # would run ldconfig in a subprocess at every unlock.
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def core_dumps_disabled() -> bool:
    """Whether core dumps are off for this process (for tests and `crucible check`)."""
    try:
        import resource
    except ImportError:
        return True
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    return soft == 0 and hard == 0

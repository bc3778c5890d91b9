"""Process hardening while a vault is unlocked: no core dumps that could hold the key."""

from __future__ import annotations

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
        import ctypes

        # The C library is already loaded in this process: CDLL(None) reaches
        # its prctl without ctypes.util.find_library, which runs ldconfig.
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)

"""Process settings for long runs of large populations.

numpy allocates a fresh array for most results; with glibc's defaults every array above 128 KB
is a new memory mapping whose pages fault in on first touch and go back to the system when
freed. For 10^6 creators that is tens of thousands of page faults a simulated day (a third of
the scoring update, see benchmarks/README.md). :func:`keep_freed_memory` asks glibc to serve
arrays up to 32 MB from its heap and to keep freed memory, so the next day's arrays reuse it.
It changes no result, only where memory comes from; the command line calls it at start.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["keep_freed_memory"]

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3


def keep_freed_memory() -> bool:
    """Tune glibc malloc to keep freed memory; False where glibc is not the allocator."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    ok = mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
    ok &= mallopt(_M_TRIM_THRESHOLD, 2**31 - 1)
    ok &= mallopt(_M_TOP_PAD, 256 * 1024 * 1024)
    return bool(ok)

"""A process's memory, as the report tests and the report benchmark read it (Linux, glibc)."""

from __future__ import annotations

import ctypes
from pathlib import Path

STATUS = Path("/proc/self/status")


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


_mallinfo2 = getattr(ctypes.CDLL(None), "mallinfo2", None)
if _mallinfo2 is not None:
    _mallinfo2.restype = _MallInfo2

# both figures can be read on this machine
READABLE = STATUS.exists() and _mallinfo2 is not None


def resident_mib() -> float:
    """This process's resident size (VmRSS), in MiB."""
    for line in STATUS.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line in /proc/self/status")


def malloc_in_use_mib() -> float | None:
    """What the C libraries (Fontconfig, Pango, HarfBuzz) hold through glibc's malloc, in MiB;
    None without glibc.

    The resident size hides a small leak for a long time in a process with free heap to
    spare; the bytes in use show it from the first render.
    """
    if _mallinfo2 is None:
        return None
    info = _mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20

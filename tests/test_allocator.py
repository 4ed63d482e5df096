"""tensorslow.allocator: glibc's malloc keeps freed memory for the next step when asked, and only then."""
import subprocess
import sys
import textwrap

import pytest

from tensorslow import allocator

# Allocates and frees 8 MB arrays, then prints how much free memory malloc's heap keeps (mallinfo2's
# fordblks) and how much is mmapped (hblkhd). Run in a fresh interpreter: malloc's settings are per process.
PROBE = textwrap.dedent("""
    import ctypes, sys
    import numpy as np
    from tensorslow import allocator

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in
                    ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                     "fordblks", "keepcost")]

    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    if sys.argv[1] == "held":
        assert allocator.hold_freed_memory() is True
    print(allocator.describe())
    for _ in range(3):  # a few steps, each making and freeing four 8 MB arrays (the layers of a step)
        arrays = [np.ones(2**20) for _ in range(4)]
        del arrays
    info = libc.mallinfo2()
    print(info.fordblks, info.hblkhd)
""")

needs_glibc = pytest.mark.skipif(allocator._mallopt() is None, reason="needs glibc's malloc (Linux)")


def _probe(mode):
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True).stdout
    described, numbers = out.strip().splitlines()
    free_in_heap, _mmapped = map(int, numbers.split())
    return described, free_in_heap


@needs_glibc
def test_held_memory_stays_in_the_heap_for_the_next_allocation():
    described, free_in_heap = _probe("held")
    assert described.startswith("held (glibc")
    assert free_in_heap >= 4 * 2**23, "the four freed 8 MB arrays should stay in malloc's heap"


@needs_glibc
def test_by_default_malloc_returns_large_freed_arrays_to_the_system():
    described, free_in_heap = _probe("default")
    assert described == "system default"
    assert free_in_heap < 2 * 2**23, "without hold_freed_memory most of the freed memory goes back to the system"


@pytest.mark.parametrize("kwargs", [{"trim_threshold": -1}, {"mmap_threshold": allocator.MAX_MMAP_THRESHOLD + 1},
                                    {"trim_threshold": 2**31}, {"mmap_threshold": 1.5}, {"trim_threshold": True}])
def test_bad_thresholds_are_refused_by_name(kwargs):
    (name,) = kwargs
    with pytest.raises(ValueError, match=f"hold_freed_memory: {name} must be an int"):
        allocator.hold_freed_memory(**kwargs)


def test_without_glibc_nothing_changes(monkeypatch):
    monkeypatch.setattr(allocator, "_mallopt", lambda: None)
    monkeypatch.setattr(allocator, "_held", None)
    assert allocator.hold_freed_memory() is False
    assert allocator.describe() == "system default"

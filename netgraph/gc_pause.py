"""Pausing Python's cyclic garbage collector around batch work.

Reading a large account builds millions of small objects, and a scan tens of thousands of
short-lived traces. Each full collection walks every live object, so with the collector on,
time grows with the size of the snapshot already in memory rather than with the work. Our
data holds no reference cycles that need the collector (reference counting frees it), so it
is paused while the batch runs and restored afterwards. Reference counting still frees
everything that is dropped, paused or not.

Afterwards every object alive is frozen (``gc.freeze``): the collector no longer walks it.
That suits the command line, one batch a process. A long-running program that loads many
snapshots can hand them back to the collector at a quiet moment with ``gc.unfreeze()``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # What the batch built is alive and acyclic: move it out of the collector's
            # reach, or the first collection after this walks all of it.
            gc.freeze()
            gc.enable()

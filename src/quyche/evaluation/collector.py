"""The cyclic garbage collector, paused while an evaluation fills its ledger and findings.

An evaluation allocates many small containers that live to its end (a site's day of
merged intervals, the findings) and makes no reference cycles of its own, so the
collector's passes over them find nothing to free; yet as they pile up, its full passes
walk the whole heap, which measured a fifth of the time of a year's evaluation. Objects
are still freed by reference counting as usual; the collector runs again, as it was set,
as soon as the work is done (or fails).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block, if it was running."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()

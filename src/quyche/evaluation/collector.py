"""The cyclic garbage collector, paused while an evaluation fills its ledger and findings.

An evaluation allocates many small containers that live to its end (a site's day of
merged intervals, the findings) and makes no reference cycles of its own, so the
collector's passes over them find nothing to free; yet as they pile up, its full passes
walk the whole heap, which measured a fifth of the time of a year's evaluation. Objects
are still freed by reference counting as usual; the collector runs again, as it was set,
as soon as the work is done (or fails).

What survives the evaluation (the ledger, the report) is long-lived: left in the youngest
generation, the collector's first pass after the pause would walk all of it (a tenth of
a second for a year's ledger) to find nothing. So it is promoted to the oldest generation
at once (`gc.freeze()` then `gc.unfreeze()`: two list splices), where only a full pass
walks it, as it would any long-lived object. Not when the process froze objects itself
(a pre-forking server): unfreezing would undo that.
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
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()  # what the block made joins the oldest generation, unwalked
            gc.enable()

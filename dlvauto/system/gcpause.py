"""Pausing Python's cyclic garbage collector while a big text is read into models.

A log of thousands of race reports (or a dump of 100,000 goroutines) becomes millions of small
objects that hold no reference cycles. Each is counted towards the collector's thresholds, and the
full passes it then makes walk every object alive, again and again as the heap grows: a third of
the time of reading such a log. Reference counting frees these objects all the same, so the
collector is paused for the read and resumed (when it was on) after it, whatever happens.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()

"""Background work that a person waits for goes first: a gate inside one worker process.

Processing a captured lead (de-duplication, scoring, routing to a rep) is
work a person waits for — speed to lead starts at the submission. Event
deliveries (timeline, search index, the agreements engine, report rollups)
may lag a few seconds. In the worker both run in threads of one process,
which share one interpreter lock (and, on SQLite, one write lock): at equal
turns a burst of submissions would be routed half as fast as it could be.

So urgent work runs inside :func:`urgent`, and a delivery calls
:func:`give_way` before each chunk: while urgent work runs in *another*
thread, it waits until that work is done, but at most ``MAX_WAIT`` seconds
at a time — under a flood that never stops, deliveries still get about a
fifth of the time (a chunk lasts up to the write budget, 100 ms alone) and
nothing piles up for ever. Work in the same thread (tests, where the queue
runs tasks at once) never waits for itself.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

MAX_WAIT = 0.4  # seconds a delivery chunk waits for urgent work at most

_running: Counter[int] = Counter()  # urgent work in progress, by thread
_changed = threading.Condition()


@contextmanager
def urgent() -> Iterator[None]:
    """Mark the work inside as urgent: other threads' deliveries give way to it."""
    me = threading.get_ident()
    with _changed:
        _running[me] += 1
    try:
        yield
    finally:
        with _changed:
            _running[me] -= 1
            if _running[me] <= 0:
                del _running[me]
            _changed.notify_all()


def _others() -> bool:
    me = threading.get_ident()
    return any(thread != me for thread in _running)


def give_way(max_wait: float = MAX_WAIT) -> float:
    """Wait while urgent work runs in another thread (at most ``max_wait``); returns seconds waited."""
    with _changed:
        if not _others():
            return 0.0
        started = time.monotonic()
        _changed.wait_for(lambda: not _others(), timeout=max_wait)
        return time.monotonic() - started

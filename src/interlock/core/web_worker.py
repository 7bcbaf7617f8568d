"""gunicorn's threaded worker, with new connections spread over the workers.

All web workers wait on one listening socket. When several connections
arrive at once, the worker that wakes first accepts one, is back in its
event loop within microseconds and accepts the next before the others have
woken: a client that opens a handful of long-lived keep-alive connections
(a reverse proxy's upstream pool, a load generator) could find all of them
on one worker while the other idled — half the throughput, twice the
latency, seen in one benchmark round in three. Here a worker that already
holds a connection waits ``PAUSE`` after accepting another, so the next one
in the queue goes to a worker that is free. With one worker there is nobody
to leave it to, and nothing waits.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers import gthread

PAUSE = 0.001  # seconds


class ThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]
    def accept(self, listener: Any) -> None:
        super().accept(listener)
        if self.nr_conns > 1 and self.cfg.workers > 1:
            time.sleep(PAUSE)

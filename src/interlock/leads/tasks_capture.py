"""Background work of lead capture: process the stored submissions.

``schedule_drain`` runs after a submission is committed. It queues one
``drain_captures`` task per web process at most every ``WINDOW`` seconds (a
write to the queue per submission would cost as much as the submission);
the task drains until nothing is pending, waits one window and looks once
more, so a submission whose enqueue was skipped inside the window is still
taken. ``sweep_captures`` runs every minute as the safety net (a queue that
was down, a worker that was restarted). A drain is urgent work
(``core.priority``): a lead waits to be routed, so the event deliveries of
the worker's other thread give way to it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from interlock.core import priority

log = logging.getLogger(__name__)
WINDOW = 0.2  # seconds

_last = {"at": -1e9}
_running = {"now": False, "again": False}
_mutex = threading.Lock()


def _immediate() -> bool:
    return bool(getattr(settings, "HUEY", {}).get("immediate"))


@db_task()
def drain_captures() -> int:
    """Process every pending capture; returns how many.

    One drain at a time per worker process: a second task that finds one
    running leaves it a note to look once more and returns, so the other
    worker thread stays free for event deliveries (on SQLite two drains
    would only queue on the one write lock).
    """
    from interlock.leads.capture_batch import drain

    with _mutex:
        if _running["now"]:
            _running["again"] = True
            return 0
        _running["now"] = True
    done = 0
    try:
        while True:
            done += _urgent(drain)
            if not _immediate():
                time.sleep(WINDOW)
                done += _urgent(drain)
            with _mutex:
                if not _running["again"]:
                    _running["now"] = False
                    return done
                _running["again"] = False
    except BaseException:
        with _mutex:
            _running["now"] = _running["again"] = False
        raise


def _urgent(drain: Callable[[], int]) -> int:
    """Drain with priority: the worker's deliveries wait meanwhile (``core.priority``)."""
    with priority.urgent():
        return drain()


@db_periodic_task(crontab(minute="*"))
def sweep_captures() -> int:
    from interlock.leads.capture_batch import drain

    return _urgent(drain)


def schedule_drain() -> None:
    """Queue a drain unless this process queued one within the window."""
    now = time.monotonic()
    with _mutex:
        if now - _last["at"] < WINDOW:
            return
        _last["at"] = now
    try:
        drain_captures()
    except Exception:  # the queue may be down: the minute sweep processes the capture
        log.exception("could not queue the processing of captures")

"""Background tasks of team agreements: the clock and the period evaluation."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from interlock.agreements import (
    clock,
    periods,
    tasks_rollups,  # noqa: F401  (registers refresh_scorecards)
)

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def agreements_tick() -> dict[str, int]:
    """At risk, breaches and escalation steps; then quantity and quality periods."""
    now = timezone.now()
    counts = clock.tick(now=now)
    counts.update({f"periods_{k}": v for k, v in periods.evaluate(now=now).items()})
    if counts.get("breached") or counts.get("escalations"):
        log.info("agreements tick: %s", counts)
    return counts

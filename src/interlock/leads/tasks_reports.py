"""Background work of the lead reports: fold new rows into the rollups."""

from __future__ import annotations

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from interlock.leads import rollups


@db_task()
def refresh_reports() -> dict[str, int]:
    """Queued by the subscriber; many events in a burst share one run."""
    from interlock.leads.subscribers_reports import PENDING_KEY

    cache.delete(PENDING_KEY)
    return rollups.refresh()


@db_periodic_task(crontab(minute="*/5"))
def refresh_reports_periodically() -> dict[str, int]:
    """Catches up whatever no event announced (bulk writes, a lost task)."""
    return rollups.refresh()

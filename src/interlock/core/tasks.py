"""Background tasks of the platform. Tasks take ids and call services."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from interlock.core import events, trash

log = logging.getLogger(__name__)


@db_task()
def deliver_events(event_ids: list[int]) -> int:
    return events.deliver(event_ids=event_ids)


@db_periodic_task(crontab(minute="*"))
def sweep_event_deliveries() -> int:
    """Deliver what is due: retries, and events whose enqueue was lost."""
    return events.deliver()


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_trash() -> int:
    purged = trash.trash_purge_expired()
    log.info("purged %d records from the trash", purged)
    return purged

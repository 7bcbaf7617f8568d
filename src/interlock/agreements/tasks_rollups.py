"""Background work of the scorecards: keep the rollups current.

Scorecard pages refresh on every view too; this catches up whatever changed
while nobody looked, so that the next page finds little to do.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from interlock.agreements import rollups


@db_periodic_task(crontab(minute="*/5"))
def refresh_scorecards() -> int:
    return rollups.refresh(settle=True)

"""Background work of scoring: re-score everyone (tasks take ids and call services)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from interlock.leads.scoring_bulk import rescore_all


@db_task()
def rescore(job_id: int) -> int:
    """Run one re-scoring job; returns the number of contacts promoted to MQL."""
    return rescore_all(job_id=job_id).promoted

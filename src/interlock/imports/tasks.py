"""Background work of the imports app: apply a job (the page polls its progress)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task()
def apply_job(job_id: int, actor_id: int | None) -> str:
    from interlock.core.context import Source, acting
    from interlock.imports import services
    from interlock.imports.models import ImportJob
    from interlock.org.models import User

    job = ImportJob.objects.filter(pk=job_id).first()
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    if job is None or actor is None:
        return "gone"
    with acting(actor, Source.IMPORT):
        services.job_run(actor=actor, job=job, dry_run=False)
    return str(job.status)

"""Reads of the imports app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from interlock.core import policy
from interlock.imports.models import ImportJob, SavedMapping


def jobs_for(user: Any) -> QuerySet[ImportJob]:
    """Imports a user may see: all of them, except users imports (admins only).

    Imports fill the shared customer record, which everybody reads; the team
    sees each other's imports so that one can check and another apply.
    """
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-pk")
    if policy.can(user, "user.manage"):
        return jobs
    return jobs.exclude(kind="users")


def job_for(user: Any, pk: int) -> ImportJob | None:
    return jobs_for(user).filter(pk=pk).first()


def saved_mappings(kind: str = "") -> QuerySet[SavedMapping]:
    qs = SavedMapping.objects.order_by("kind", "name")
    return qs.filter(kind=kind) if kind else qs

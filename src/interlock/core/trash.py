"""Soft delete: deleting moves a record to the trash for a retention period.

A trashed record is hidden by the default manager everywhere; an admin can
restore it (seeing who deleted it and when) until the periodic purge removes
it for good after ``TRASH_RETENTION_DAYS``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlock.core import events
from interlock.core.context import current


class LiveManager(models.Manager):  # type: ignore[type-arg]
    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Trashable(models.Model):
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    all_objects = models.Manager()
    objects = LiveManager()

    class Meta:
        abstract = True
        # Everything (admin, forms, lookups) sees live rows by default, but
        # related access must still reach a trashed row (e.g. from its history).
        default_manager_name = "objects"
        base_manager_name = "all_objects"

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None


T = TypeVar("T", bound=Trashable)


def trashable_models() -> list[type[Trashable]]:
    return [m for m in apps.get_models() if issubclass(m, Trashable)]


def model_for(label: str) -> type[Trashable]:
    model = apps.get_model(label)
    if not issubclass(model, Trashable):
        raise LookupError(f"{label} has no trash")
    return model


def trash_move(*, obj: T, actor: Any | None = None) -> T:
    """Move ``obj`` to the trash (one transaction; audited; event recorded)."""
    actor = actor if actor is not None else current().actor
    with transaction.atomic():
        obj.deleted_at = timezone.now()
        obj.deleted_by = actor if getattr(actor, "pk", None) else None
        obj.save(update_fields=["deleted_at", "deleted_by"])
        events.record("trash.moved", subject=obj, actor=actor, payload={"repr": str(obj)})
    return obj


def trash_restore(*, obj: T, actor: Any | None = None) -> T:
    with transaction.atomic():
        obj.deleted_at = None
        obj.deleted_by = None
        obj.save(update_fields=["deleted_at", "deleted_by"])
        events.record("trash.restored", subject=obj, actor=actor, payload={"repr": str(obj)})
    return obj


def trash_purge_expired(*, now: Any | None = None) -> int:
    """Delete for good what has been in the trash longer than the retention."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TRASH_RETENTION_DAYS)
    purged = 0
    for model in trashable_models():
        with transaction.atomic():
            expired = model.all_objects.filter(deleted_at__lt=cutoff)
            purged += expired.count()
            expired.delete()
    return purged

"""Reading notifications: a person's own, newest first, and the unread count."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet

from interlock.notify.models import Notification, Preference


def notifications_of(user: Any, *, unread: bool | None = None) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preference_of(user: Any) -> Preference:
    """The saved preference, or the default one (unsaved) when there is none."""
    found = Preference.objects.filter(user_id=user.pk).first()
    return found or Preference(user=user)


def digest_zone() -> ZoneInfo:
    """The digest hour is read in the site's time zone."""
    return ZoneInfo(settings.TIME_ZONE or "UTC")


def digest_due_user_ids(now: datetime) -> list[int]:
    """Users who want a digest, whose hour has come today and who have none yet today.

    Only those with something not yet e-mailed.
    """
    local = now.astimezone(digest_zone())
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    prefs = Preference.objects.filter(
        email=Preference.Email.DIGEST,
        digest_hour__lte=local.hour,
        user__is_active=True,
    ).filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=start_of_day))
    pending = Notification.objects.filter(emailed_at__isnull=True).values("recipient_id")
    return list(prefs.filter(user_id__in=pending).values_list("user_id", flat=True))


def immediate_pending_ids(*, before: datetime, limit: int = 500) -> list[int]:
    """Notifications of "immediate" readers whose e-mail has not gone out (a lost task)."""
    not_immediate = Preference.objects.exclude(email=Preference.Email.IMMEDIATE).values("user_id")
    return list(
        Notification.objects.filter(emailed_at__isnull=True, created_at__lt=before)
        .exclude(recipient_id__in=not_immediate)
        .filter(recipient__is_active=True)
        .exclude(recipient__email="")
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )

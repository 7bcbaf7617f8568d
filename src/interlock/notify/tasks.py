"""Background work of notifications: single e-mails, the hourly digest sweep."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from interlock.notify import selectors, services


@db_task()
def send_notification_emails(ids: list[int]) -> int:
    """Queued after commit by ``notify``; returns how many went out."""
    return sum(1 for pk in ids if services.notification_email(notification_id=pk))


def send_digests(now: datetime | None = None) -> int:
    """One digest per user whose hour has come; returns how many digests went out.

    Also retries single e-mails older than ten minutes that never went out
    (the queue was down, or the mail server refused them).
    """
    now = now or timezone.now()
    for pk in selectors.immediate_pending_ids(before=now - timedelta(minutes=10)):
        services.notification_email(notification_id=pk)
    sent = 0
    users = get_user_model().objects.filter(pk__in=selectors.digest_due_user_ids(now))
    for user in users:
        if services.digest_send(user=user, now=now):
            sent += 1
    return sent


@db_periodic_task(crontab(minute="5"))
def send_digests_hourly() -> int:
    return send_digests()

"""Writing notifications, marking them read, and e-mailing them.

``notify`` is on the lowest floor: callers hand it users and texts, it knows
nothing of agreements or teams. Texts are given once and written in each
recipient's own language: pass a plain ``str`` (stored as is) or a lazily
translated string (``gettext_lazy``, or ``format_lazy`` for placeholders),
which is rendered under each recipient's language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from interlock.notify.models import Notification, Preference

log = logging.getLogger(__name__)

Text = str | Promise

TITLE_MAX = 300
URL_MAX = 500
TOPIC_MAX = 60
DEDUPE_MAX = 200


def language_of(user: Any) -> str:
    """The recipient's language: their own choice, else the site's."""
    chosen = str(getattr(user, "language", "") or "")
    known = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in known else settings.LANGUAGE_CODE


def _render(text: Text, language: str, limit: int | None = None) -> str:
    with translation.override(language):
        rendered = str(text)
    if limit is not None and len(rendered) > limit:
        rendered = rendered[: limit - 1] + "…"
    return rendered


def absolute_url(path: str) -> str:
    """A link for an e-mail: absolute when ``INTERLOCK_BASE_URL`` is set, else the path."""
    if not path or "://" in path:
        return path
    base = str(getattr(settings, "INTERLOCK_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else path


def notify(
    *,
    recipients: Iterable[Any],
    topic: str,
    title: Text,
    body: Text = "",
    url: str = "",
    dedupe_key: str = "",
    at: datetime | None = None,
) -> int:
    """Write one notification per active recipient; returns how many were new.

    Inactive users and repeats (same ``dedupe_key`` for the same person) are
    skipped. Recipients who want each e-mail at once get it after commit.
    """
    if not topic or len(topic) > TOPIC_MAX:
        raise ValidationError({"topic": _("A topic of 1 to 60 characters is required.")})
    if len(url) > URL_MAX:
        raise ValidationError({"url": _("The link may have at most 500 characters.")})
    if len(dedupe_key) > DEDUPE_MAX:
        raise ValidationError({"dedupe_key": _("The key may have at most 200 characters.")})
    if at is not None and timezone.is_naive(at):
        raise ValidationError({"at": _("The time must carry a time zone.")})
    at = at or timezone.now()
    people = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not people:
        return 0
    with transaction.atomic():
        if dedupe_key:
            seen = set(
                Notification.objects.filter(
                    recipient_id__in=list(people), dedupe_key=dedupe_key
                ).values_list("recipient_id", flat=True)
            )
            people = {pk: u for pk, u in people.items() if pk not in seen}
        rows = []
        for user in people.values():
            language = language_of(user)
            rows.append(
                Notification(
                    recipient=user,
                    topic=topic,
                    title=_render(title, language, TITLE_MAX),
                    body=_render(body, language),
                    url=url,
                    created_at=at,
                    dedupe_key=dedupe_key,
                )
            )
        # ignore_conflicts: a parallel writer of the same key wins, nothing doubles.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        written = Notification.objects.filter(
            recipient_id__in=list(people), topic=topic, created_at=at, emailed_at__isnull=True
        )
        if dedupe_key:
            written = written.filter(dedupe_key=dedupe_key)
        immediate = _wants_immediate(list(people))
        ids = list(written.filter(recipient_id__in=immediate).values_list("pk", flat=True))
        if ids:
            transaction.on_commit(lambda: _enqueue_emails(ids))
    return len(rows)


def _wants_immediate(user_ids: list[int]) -> list[int]:
    other = set(
        Preference.objects.filter(user_id__in=user_ids)
        .exclude(email=Preference.Email.IMMEDIATE)
        .values_list("user_id", flat=True)
    )
    return [pk for pk in user_ids if pk not in other]


def _enqueue_emails(ids: list[int]) -> None:
    from interlock.notify.tasks import send_notification_emails

    try:
        send_notification_emails(ids)
    except Exception:  # the queue may be down: the hourly sweep sends them later
        log.exception("could not enqueue e-mail of %d notifications", len(ids))


def _send(*, user: Any, subject: str, template: str, context: dict[str, Any]) -> bool:
    if not user.email:
        return False
    with translation.override(language_of(user)):
        text = render_to_string(template, {"user": user, **context})
    message = EmailMessage(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    message.send(fail_silently=False)
    return True


def notification_email(*, notification_id: int) -> bool:
    """E-mail one notification now (if not yet e-mailed); True when it went out.

    A failing mail server leaves ``emailed_at`` empty, so the sweep tries again.
    """
    row = (
        Notification.objects.select_related("recipient")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if row is None or not row.recipient.is_active:
        return False
    try:
        sent = _send(
            user=row.recipient,
            subject=row.title,
            template="notify/email/single.txt",
            context={"n": row, "link": absolute_url(row.url)},
        )
    except Exception:
        log.exception("could not e-mail notification %s", row.pk)
        return False
    if sent:
        Notification.objects.filter(pk=row.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
    return sent


def digest_send(*, user: Any, now: datetime | None = None) -> int:
    """E-mail ``user`` one digest of everything not yet e-mailed; returns how many it held."""
    now = now or timezone.now()
    rows = list(
        Notification.objects.filter(recipient=user, emailed_at__isnull=True).order_by(
            "created_at", "id"
        )
    )
    if not rows or not user.is_active:
        return 0
    with translation.override(language_of(user)):
        subject = _("Interlock: %(count)d new notifications") % {"count": len(rows)}
    items = [(n, absolute_url(n.url)) for n in rows]
    try:
        sent = _send(
            user=user, subject=subject, template="notify/email/digest.txt", context={"items": items}
        )
    except Exception:
        log.exception("could not e-mail the digest of user %s", user.pk)
        return 0
    if not sent:
        return 0
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for n in rows], emailed_at__isnull=True).update(
            emailed_at=now
        )
        Preference.objects.filter(user=user).update(last_digest_at=now)
    return len(rows)


def notification_read(*, user: Any, notification: Notification, at: datetime | None = None) -> None:
    """Mark one of the user's own notifications read (again: nothing changes)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = at or timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_read_all(*, user: Any, at: datetime | None = None) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=at or timezone.now()
    )


def preference_set(*, user: Any, email: str, digest_hour: int) -> Preference:
    if email not in Preference.Email.values:
        raise ValidationError({"email": _("Choose immediate, digest or none.")})
    if not 0 <= digest_hour <= 23:
        raise ValidationError({"digest_hour": _("The hour must lie between 0 and 23.")})
    pref, _created = Preference.objects.update_or_create(
        user=user, defaults={"email": email, "digest_hour": digest_hour}
    )
    return pref


def active_users(ids: Iterable[int]) -> list[Any]:
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True))

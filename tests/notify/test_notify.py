"""Notifications: written once per person in their language, e-mailed at once or as a digest."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy

from interlock.notify import services, tasks
from interlock.notify.models import Notification, Preference

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def test_one_per_active_recipient_and_dedupe(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notify(
            recipients=[people.lead, people.member, people.inactive, people.lead],
            topic="agreement.breach",
            title="Breached: MQL",
            url="/agreements/1/",
            dedupe_key="obligation:1:step:1",
        )
    assert n == 2
    assert (
        services.notify(
            recipients=[people.lead],
            topic="agreement.breach",
            title="x",
            dedupe_key="obligation:1:step:1",
        )
        == 0
    )
    assert Notification.objects.count() == 2
    assert not Notification.objects.filter(recipient=people.inactive).exists()
    # immediate by default: each gets one e-mail with the link, marked as e-mailed
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.com", "member@example.com"]
    assert "/agreements/1/" in mail.outbox[0].body
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_title_in_each_recipients_language(people: Any) -> None:
    people.lead.language = "de"
    people.lead.save()
    services.notify(
        recipients=[people.lead, people.member], topic="t", title=gettext_lazy("Customers")
    )
    titles = dict(Notification.objects.values_list("recipient__username", "title"))
    assert titles["member"] == "Customers"
    assert titles["lead"] == "Kunden"


def test_bad_input(people: Any) -> None:
    with pytest.raises(ValidationError):
        services.notify(recipients=[people.lead], topic="", title="x")
    with pytest.raises(ValidationError):
        services.notify(recipients=[people.lead], topic="t", title="x", at=datetime(2026, 3, 2, 9))
    assert Notification.objects.count() == 0


def test_digest_once_a_day_after_the_hour(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Preference.objects.create(user=people.lead, email="digest", digest_hour=8)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            services.notify(recipients=[people.lead], topic="t", title=f"Item {i}")
    assert mail.outbox == []  # no single e-mails for a digest reader
    assert tasks.send_digests(datetime(2026, 3, 2, 7, 30, tzinfo=BERLIN)) == 0
    assert tasks.send_digests(datetime(2026, 3, 2, 8, 5, tzinfo=BERLIN)) == 1
    assert len(mail.outbox) == 1 and "Item 2" in mail.outbox[0].body
    services.notify(recipients=[people.lead], topic="t", title="Later")
    assert tasks.send_digests(datetime(2026, 3, 2, 15, 5, tzinfo=BERLIN)) == 0  # once a day
    assert tasks.send_digests(datetime(2026, 3, 3, 8, 5, tzinfo=BERLIN)) == 1
    assert "Later" in mail.outbox[1].body and "Item 0" not in mail.outbox[1].body


def test_failed_mail_is_kept_for_the_next_run(people: Any, settings: Any) -> None:
    Preference.objects.create(user=people.lead, email="digest", digest_hour=0)
    services.notify(recipients=[people.lead], topic="t", title="Keep me")
    settings.EMAIL_BACKEND = "tests.notify.test_notify.BrokenBackend"
    assert tasks.send_digests(datetime(2026, 3, 2, 9, tzinfo=BERLIN)) == 0
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_digests(datetime(2026, 3, 2, 10, tzinfo=BERLIN)) == 1
    assert Notification.objects.get().emailed_at is not None


def test_none_preference_sends_nothing(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Preference.objects.create(user=people.lead, email="none")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[people.lead], topic="t", title="Quiet")
    assert tasks.send_digests(datetime(2026, 3, 2, 23, tzinfo=BERLIN)) == 0
    assert mail.outbox == []


def test_read_only_own(people: Any) -> None:
    services.notify(recipients=[people.lead, people.member], topic="t", title="x")
    mine = Notification.objects.get(recipient=people.lead)
    with pytest.raises(PermissionDenied):
        services.notification_read(user=people.member, notification=mine)
    services.notification_read(user=people.lead, notification=mine)
    assert services.notifications_read_all(user=people.member) == 1


class BrokenBackend:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: Any) -> int:
        raise OSError("mail server down")

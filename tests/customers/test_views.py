"""Customer pages: lists, forms with bad input, htmx partials, my work, merge."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from interlock.core import events
from interlock.customers import services
from interlock.customers.models import Account, Activity, Contact
from tests.conftest import naughty_strings

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _account(people: Any, **kw: Any) -> Account:
    return services.account_create(actor=people.member, **{"name": "Kessler GmbH", **kw})


def test_account_list_searches_filters_and_partial(people: Any, client_as: Any) -> None:
    _account(people, domain="kessler.de", country="DE")
    _account(people, name="Voest Alpine", country="AT")
    client = client_as("readonly")
    page = client.get(reverse("customers:accounts"), {"q": "kessler"})
    assert page.status_code == 200
    assert b"Kessler GmbH" in page.content and b"Voest" not in page.content
    partial = client.get(reverse("customers:accounts"), {"country": "AT"}, **HTMX)
    assert b"<html" not in partial.content and b"Voest" in partial.content
    assert b"Kessler" not in partial.content
    bad = client.get(reverse("customers:accounts"), {"owner": "x", "sort": "nope", "page": "9"})
    assert bad.status_code == 200


def test_account_form_shows_errors_not_500(people: Any, client_as: Any) -> None:
    client = client_as("member")
    url = reverse("customers:account_create")
    for body, text in (
        ({"name": "", "lifecycle": "prospect"}, "This field is required"),
        ({"name": "A", "domain": "not a domain", "lifecycle": "prospect"}, "not a website domain"),
        ({"name": "A", "country": "XX", "lifecycle": "prospect"}, "Select a valid choice"),
        ({"name": "A", "lifecycle": "zombie"}, "Select a valid choice"),
        ({"name": "A", "parent": "999999", "lifecycle": "prospect"}, "no account with this id"),
        ({"name": "A\x00", "lifecycle": "prospect"}, "Null characters"),
    ):
        response = client.post(url, body)
        assert response.status_code == 422, body
        assert text in response.content.decode(), (body, text)
    assert not Account.all_objects.exists()


def test_duplicate_domain_is_offered_then_allowed(people: Any, client_as: Any) -> None:
    first = _account(people, domain="kessler.de")
    client = client_as("member")
    url = reverse("customers:account_create")
    body = {"name": "Kessler AG", "domain": "www.kessler.de", "lifecycle": "prospect"}
    response = client.post(url, body)
    assert response.status_code == 422
    assert f"id {first.pk}" in response.content.decode()
    assert b"allow_duplicate" in response.content
    ok = client.post(url, {**body, "allow_duplicate": "on"})
    assert ok.status_code == 302


def test_contact_form_bad_email_and_phone(people: Any, client_as: Any) -> None:
    client = client_as("member")
    response = client.post(
        reverse("customers:contact_create"), {"last_name": "Becker", "email": "x@", "phone": "1"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "not a valid e-mail" in text
    assert not Contact.all_objects.exists()
    ok = client.post(
        reverse("customers:contact_create"),
        {"last_name": "Becker", "email": "A@B.de", "phone": "0711 123456"},
    )
    assert ok.status_code == 302
    contact = Contact.objects.get()
    assert (contact.email, contact.phone) == ("a@b.de", "+49711123456")
    edit = client.post(
        reverse("customers:contact_edit", args=[contact.pk]), {"last_name": "", "email": "a@b.de"}
    )
    assert edit.status_code == 422


def test_naughty_strings_in_forms_never_500(people: Any, client_as: Any) -> None:
    client = client_as("member")
    for text in naughty_strings()[::5]:
        for name, body in (
            ("customers:account_create", {"name": text, "domain": text, "lifecycle": "prospect"}),
            ("customers:contact_create", {"last_name": text, "email": text, "phone": text}),
        ):
            response = client.post(reverse(name), body)
            assert response.status_code in {302, 422}, (text, response.status_code)
        assert client.get(reverse("customers:accounts"), {"q": text}).status_code == 200


def test_log_activity_via_htmx_and_bad_input(people: Any, client_as: Any) -> None:
    account = _account(people)
    client = client_as("member")
    url = reverse("customers:account_log", args=[account.pk])
    ok = client.post(url, {"kind": "call", "subject": "Quarterly review"}, **HTMX)
    assert ok.status_code == 200 and ok["HX-Trigger"] == "timeline-changed"
    assert b'id="log-form"' in ok.content
    bad = client.post(url, {"kind": "task", "subject": "Offer"}, **HTMX)
    assert bad.status_code == 422 and b"needs a due date" in bad.content
    task = client.post(
        url,
        {
            "kind": "task",
            "subject": "Offer",
            "due_at": (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "assignee": people.member.pk,
        },
    )
    assert task.status_code == 302
    assert Activity.objects.filter(kind="task", assignee=people.member).count() == 1
    assert Activity.objects.filter(kind="call").count() == 1


def test_timeline_on_page_with_more_and_kind_filter(people: Any, client_as: Any) -> None:
    account = _account(people)
    base = timezone.now() - timedelta(days=2)
    for i in range(25):
        services.activity_log(
            actor=people.member,
            kind="note",
            subject=f"note {i:02d}",
            account=account,
            occurred_at=base + timedelta(minutes=i),
        )
    events.deliver()
    client = client_as("readonly")
    page = client.get(reverse("customers:account", args=[account.pk]))
    text = page.content.decode()
    assert "Account created: Kessler GmbH" in text and "note 24" in text
    assert "note 04" not in text and "More" in text
    partial = client.get(
        reverse("customers:account_timeline", args=[account.pk]), {"kind": "record"}, **HTMX
    )
    assert b"Account created" in partial.content and b"note" not in partial.content
    junk = client.get(reverse("customers:account_timeline", args=[account.pk]), {"cursor": "%%"})
    assert junk.status_code == 200


def test_my_work_and_done_button(people: Any, client_as: Any) -> None:
    account = _account(people)
    task = services.task_create(
        actor=people.lead,
        subject="Call back",
        due_at=timezone.now() + timedelta(days=1),
        assignee=people.member,
        account=account,
    )
    client = client_as("member")
    assert b"Call back" in client.get(reverse("customers:my_work")).content
    assert b"Call back" not in client_as("lead").get(reverse("customers:my_work")).content
    done = client.post(reverse("customers:task_done", args=[task.pk]), **HTMX)
    assert done.status_code == 200
    assert b"Call back" not in client.get(reverse("customers:my_work")).content


def test_merge_page_previews_then_merges(people: Any, client_as: Any) -> None:
    a = _account(people, domain="kessler.de")
    b = services.account_create(
        actor=people.member, name="Kessler", domain="kessler.de", allow_duplicate=True
    )
    services.contact_create(actor=people.member, last_name="Becker", account=b)
    client = client_as("lead")
    url = reverse("customers:account_merge", args=[a.pk])
    start = client.get(url)
    assert start.status_code == 200 and f"?other={b.pk}" in start.content.decode()
    preview = client.post(url, {"other": b.pk})
    assert preview.status_code == 200 and b"contacts: 1" in preview.content
    assert not Account.all_objects.get(pk=b.pk).in_trash
    itself = client.post(url, {"other": a.pk, "confirm": "1"})
    assert itself.status_code == 422 and b"itself" in itself.content
    done = client.post(url, {"other": b.pk, "confirm": "1"})
    assert done.status_code == 302
    assert Account.all_objects.get(pk=b.pk).in_trash
    assert Contact.objects.get().account_id == a.pk

"""The customers bulk path: creates and upserts with audit and events, or nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from interlock.core.context import Source, acting
from interlock.core.models import AuditEntry, Event, EventDelivery
from interlock.customers import bulk
from interlock.customers.models import Account, Contact, TimelineEntry
from tests.conftest import People, naughty_strings

pytestmark = pytest.mark.django_db


def test_create_accounts_and_contacts_with_audit_events_and_history(
    people: People, django_capture_on_commit_callbacks: Any
) -> None:
    when = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    with acting(people.admin, Source.IMPORT), django_capture_on_commit_callbacks(execute=True):
        account_ids = bulk.bulk_create_accounts(
            [
                {
                    "name": " Kessler GmbH ",
                    "domain": "https://www.Kessler.de/x",
                    "country": "DE",
                    "owner_id": people.member.pk,
                    "created_at": when,
                    "external_id": "A1",
                },
                {"name": "Brandt AG", "size": "10-49", "lifecycle": "customer"},
            ]
        )
        contact_ids = bulk.bulk_create_contacts(
            [
                {
                    "last_name": "Kessler",
                    "first_name": "Jana",
                    "email": " Jana@Kessler.DE ",
                    "phone": "0711 123456",
                    "account_id": account_ids[0],
                    "created_at": when,
                },
                {"last_name": "Brandt", "account_id": account_ids[1], "buying_role": "champion"},
            ]
        )
    kessler = Account.objects.get(pk=account_ids[0])
    assert (kessler.name, kessler.domain, kessler.country.code) == (
        "Kessler GmbH",
        "kessler.de",
        "DE",
    )
    assert kessler.created_at == when and kessler.owner == people.member
    assert Account.objects.get(pk=account_ids[1]).lifecycle == "customer"
    jana = Contact.objects.get(pk=contact_ids[0])
    assert (jana.email, jana.phone, jana.account_id) == (
        "jana@kessler.de",
        "+49711123456",
        kessler.pk,
    )
    # Audit entries as auditlog writes them, stamped with actor and source.
    entry = AuditEntry.objects.get(content_type__model="contact", object_id=jana.pk)
    assert entry.actor == people.admin and entry.source == Source.IMPORT
    assert entry.changes["email"] == ["None", "jana@kessler.de"]
    assert str(entry) and entry.object_repr == "Jana Kessler"
    # The services' events, dated like the record; delivered to the timeline.
    created = Event.objects.get(type="contact.created", subject_id=jana.pk)
    assert created.occurred_at == when and created.actor == people.admin
    assert created.payload == {
        "account_id": kessler.pk,
        "contact_id": jana.pk,
        "name": "Jana Kessler",
    }
    assert Event.objects.filter(type="account.created").count() == 2
    assert TimelineEntry.objects.filter(contact=jana).exists()
    assert not EventDelivery.objects.exclude(status="done").exists()
    # New records get ids after the bulk ones.
    later = Account.objects.create(name="Later")
    assert later.pk > max(account_ids)


def test_invalid_rows_write_nothing_and_name_rows(people: People) -> None:
    Contact.objects.create(last_name="Old", email="old@example.com")
    rows: list[dict[str, Any]] = [
        {"last_name": "Ok", "email": "ok@example.com"},
        {"last_name": "", "email": "not-an-address"},
        {"last_name": "Dup", "email": "OLD@example.com"},
        {"last_name": "Twice", "email": "ok@example.com"},
        {"last_name": "Ghost", "account_id": 999999, "owner_id": 999999},
        {"last_name": "Phone", "phone": "12"},
        {"last_name": "Role", "buying_role": "boss", "shoe_size": 44},
    ]
    before = (Contact.objects.count(), Event.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        bulk.bulk_create_contacts(rows)
    text = " | ".join(caught.value.messages)
    for expected in (
        "row 2:",
        "last_name",
        "row 3:",
        "already used",
        "row 4:",
        "row 5:",
        "no account with id 999999",
        "no user with id 999999",
        "row 6:",
        "phone",
        "row 7:",
        "shoe_size",
        "buying_role",
    ):
        assert expected in text, expected
    assert "row 1:" not in text
    assert (Contact.objects.count(), Event.objects.count(), AuditEntry.objects.count()) == before


def test_upsert_matches_by_external_id_then_email_and_updates_changed_fields(
    people: People,
) -> None:
    first = bulk.upsert_contacts(
        [
            {"last_name": "Alpha", "email": "a@example.com", "external_id": "H-1"},
            {"last_name": "Beta", "email": "b@example.com"},
            {"last_name": "Beta again", "email": "B@example.com"},
            {"last_name": ""},
        ]
    )
    assert first.counts() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "invalid": 1,
        "duplicates": 1,
    }
    assert first.duplicates == {2: 1} and 3 in first.invalid and first.applied
    second = bulk.upsert_contacts(
        [
            {"last_name": "Alpha", "email": "a2@example.com", "external_id": "H-1", "title": "CEO"},
            {"last_name": "Beta", "email": "b@example.com", "title": ""},
            {"last_name": "Gamma", "email": "c@example.com"},
        ]
    )
    assert second.counts()["created"] == 1 and second.updated == [0] and second.unchanged == [1]
    alpha = Contact.objects.get(external_id="H-1")
    assert (alpha.email, alpha.title) == ("a2@example.com", "CEO")
    updated = Event.objects.get(type="contact.updated", subject_id=alpha.pk)
    assert updated.payload["fields"] == ["email", "title"]
    audit = AuditEntry.objects.get(object_id=alpha.pk, action=1, content_type__model="contact")
    assert audit.changes["title"] == ["", "CEO"]
    again = bulk.upsert_contacts([{"last_name": "Gamma", "email": "c@example.com"}])
    assert again.unchanged == [0] and again.ids[0] == Contact.objects.get(email="c@example.com").pk


def test_strict_upsert_writes_nothing_when_a_row_is_invalid(people: People) -> None:
    result = bulk.upsert_accounts(
        [{"name": "Good", "domain": "good.de"}, {"name": "Bad", "domain": "not a domain"}],
        strict=True,
    )
    assert not result.applied and list(result.invalid) == [1]
    assert not Account.objects.exists() and not Event.objects.exists()


def test_upsert_accounts_by_domain(people: People) -> None:
    Account.objects.create(name="Kessler", domain="kessler.de")
    result = bulk.upsert_accounts(
        [{"name": "Kessler GmbH", "domain": "www.kessler.de", "industry": "Machines"}]
    )
    assert result.updated == [0]
    assert Account.objects.get().industry == "Machines"


def test_naughty_strings_are_stored_or_refused_never_crash(people: People) -> None:
    strings = naughty_strings()
    rows = [{"last_name": s[:100] or "x", "title": s[:150], "email": ""} for s in strings]
    result = bulk.upsert_contacts(rows)
    assert len(result.created) + len(result.invalid) == len(rows)
    for index in result.created[:50]:
        assert (
            Contact.objects.get(pk=result.ids[index]).last_name
            == (strings[index][:100] or "x").strip()
        )

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.campaigns import services
from interlock.campaigns.models import CampaignMember, CampaignResponse
from interlock.core.models import Event
from interlock.customers.models import Account, Contact
from tests.campaigns.builders import campaign, contact

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_create_validates_with_clear_messages(people: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        campaign(
            people.marketer,
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
            currency="euro",
            budget=Decimal("-1"),
        )
    assert set(exc.value.message_dict) == {"ends_on", "currency", "budget"}
    first = campaign(people.marketer, utm_campaign="messe26", currency="eur", at=T0)
    assert first.currency == "EUR" and first.created_at == T0
    assert Event.objects.filter(type="campaign.created", subject_id=first.pk).exists()
    with pytest.raises(ValidationError, match="already used"):
        campaign(people.marketer, name="Other", utm_campaign="messe26")
    services.campaign_delete(actor=people.marketer, campaign=first)
    # A trashed campaign frees its UTM campaign.
    assert campaign(people.marketer, name="Again", utm_campaign="messe26").pk


def test_only_campaign_runners_write(people: Any) -> None:
    with pytest.raises(PermissionDenied):
        campaign(people.member)
    c = campaign(people.lead)
    with pytest.raises(PermissionDenied):
        services.campaign_update(actor=people.readonly, campaign=c, name="x")
    updated = services.campaign_update(actor=people.manager, campaign=c, status="active")
    assert updated.status == "active"
    with pytest.raises(ValidationError):
        services.campaign_update(actor=people.manager, campaign=c, created_at=T0)


def test_costs_in_the_campaign_currency(people: Any) -> None:
    c = campaign(people.marketer)
    cost = services.campaign_cost_add(
        actor=people.marketer,
        campaign=c,
        description="Stand",
        amount=Decimal("1200"),
        incurred_on=date(2026, 4, 1),
    )
    assert cost.currency == "EUR"
    with pytest.raises(ValidationError) as exc:
        services.campaign_cost_add(
            actor=people.marketer,
            campaign=c,
            description="",
            amount=Decimal("-5"),
            incurred_on=date(2026, 4, 1),
            currency="USD",
        )
    assert set(exc.value.message_dict) == {"description", "amount", "currency"}
    with pytest.raises(ValidationError, match="cost lines"):
        services.campaign_update(actor=people.marketer, campaign=c, currency="USD")
    services.campaign_cost_remove(actor=people.marketer, cost=cost)
    assert not c.costs.exists()


def test_members_add_many_is_set_based(people: Any, django_assert_max_num_queries: Any) -> None:
    c = campaign(people.marketer)
    contacts = Contact.objects.bulk_create(
        Contact(last_name=f"P{i}", email=f"p{i}@example.com") for i in range(300)
    )
    ids = [x.pk for x in contacts]
    services.campaign_member_add(actor=people.marketer, campaign=c, contact=contacts[0])
    with django_assert_max_num_queries(20):
        added = services.campaign_members_add(
            actor=people.marketer, campaign=c, contact_ids=[*ids, 10**12], status="sent", at=T0
        )
    assert added == 299
    assert CampaignMember.objects.filter(campaign=c).count() == 300
    assert Event.objects.filter(type="campaign.member_added").count() == 300
    assert services.campaign_members_add(actor=people.marketer, campaign=c, contact_ids=ids) == 0


def test_response_adds_member_raises_status_and_records_event(people: Any) -> None:
    account = Account.objects.create(name="Kessler GmbH")
    person = contact(account=account)
    c = campaign(people.marketer)
    later = datetime(2026, 4, 21, 10, tzinfo=UTC)
    services.campaign_response_record(
        actor=people.marketer, campaign=c, contact=person, kind="attended", at=later
    )
    member = CampaignMember.objects.get(campaign=c, contact=person)
    assert member.status == "attended" and member.first_responded_at == later
    # An earlier click does not lower "attended" but moves the first response.
    services.campaign_response_record(
        actor=None, campaign=c, contact=person, kind="clicked", source="form", at=T0
    )
    member.refresh_from_db()
    assert member.status == "attended" and member.first_responded_at == T0
    assert CampaignResponse.objects.filter(contact=person).count() == 2
    event = Event.objects.filter(type="campaign.responded").latest("pk")
    assert event.payload["account_id"] == account.pk
    assert event.payload["campaign_id"] == c.pk and event.payload["kind"] == "clicked"
    with pytest.raises(ValidationError):
        services.campaign_response_record(
            actor=people.marketer, campaign=c, contact=person, kind="dance"
        )


def test_merge_keeps_one_membership(people: Any) -> None:
    from interlock.customers import services as customer_services

    c = campaign(people.marketer)
    survivor, other = contact("A", "a@example.com"), contact("B", "b@example.com")
    for person in (survivor, other):
        services.campaign_response_record(
            actor=people.marketer, campaign=c, contact=person, kind="opened", at=T0
        )
    customer_services.contact_merge(actor=people.manager, survivor=survivor, other=other)
    assert list(CampaignMember.objects.values_list("contact_id", flat=True)) == [survivor.pk]
    assert CampaignResponse.objects.filter(contact=survivor).count() == 2


def test_responses_and_members_show_on_the_timeline(people: Any) -> None:
    from interlock.core import events
    from interlock.customers import timeline
    from interlock.customers.models import TimelineEntry

    account = Account.objects.create(name="Kessler GmbH")
    person = contact(account=account)
    c = campaign(people.marketer, "Newsletter")
    services.campaign_member_add(actor=people.marketer, campaign=c, contact=person)
    services.campaign_response_record(
        actor=people.marketer, campaign=c, contact=person, kind="opened", at=T0
    )
    events.deliver()
    entries = TimelineEntry.objects.filter(contact=person, kind="campaign")
    assert entries.count() == 2
    assert TimelineEntry.objects.filter(account=account, kind="campaign").count() == 2
    assert timeline.kind_label("campaign") == "Campaigns"

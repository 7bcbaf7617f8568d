from __future__ import annotations

from typing import Any

from django.urls import reverse

from interlock.campaigns.models import Campaign, CampaignMember, CampaignResponse
from interlock.customers.models import Account
from tests.campaigns.builders import campaign, contact


def test_create_list_and_detail(people: Any, client_as: Any) -> None:
    client = client_as("marketer")
    bad = client.post(
        reverse("campaigns:create"),
        {
            "name": "Webinar",
            "type": "webinar",
            "status": "planned",
            "starts_on": "2026-05-02",
            "ends_on": "2026-05-01",
            "budget": "10",
            "currency": "EUR",
        },
    )
    assert bad.status_code == 422
    assert "cannot end before it starts" in bad.content.decode()
    done = client.post(
        reverse("campaigns:create"),
        {
            "name": "Webinar",
            "type": "webinar",
            "status": "planned",
            "starts_on": "2026-05-02",
            "budget": "10",
            "currency": "eur",
            "utm_campaign": "web26",
        },
    )
    c = Campaign.objects.get(name="Webinar")
    assert done["Location"] == reverse("campaigns:detail", args=[c.pk])
    listing = client.get(reverse("campaigns:list"), {"type": "webinar"})
    assert "Webinar" in listing.content.decode()
    assert (
        "Webinar" not in client.get(reverse("campaigns:list"), {"type": "email"}).content.decode()
    )
    page = client.get(reverse("campaigns:detail", args=[c.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "web26" in html and "Attribution" in html and 'class="chart"' in html


def test_members_by_search_and_paste_then_status_and_response(people: Any, client_as: Any) -> None:
    client = client_as("lead")
    c = campaign(people.lead)
    account = Account.objects.create(name="Kessler GmbH")
    anna = contact("Anna", "anna@example.com", account)
    ben = contact("Ben", "Ben@Example.com")
    found = client.get(reverse("campaigns:contact_suggest", args=[c.pk]), {"q": "kessler"})
    assert "Anna" in found.content.decode() and "Ben" not in found.content.decode()
    added = client.post(
        reverse("campaigns:members_add", args=[c.pk]),
        {"contact": [anna.pk], "emails": "ben@example.com, nobody@example.com", "status": "sent"},
        follow=True,
    )
    html = added.content.decode()
    assert "2 contacts were added" in html and "nobody@example.com" in html
    assert CampaignMember.objects.filter(campaign=c, status="sent").count() == 2
    member = CampaignMember.objects.get(contact=ben)
    row = client.post(
        reverse("campaigns:member_status", args=[c.pk, member.pk]),
        {"status": "registered"},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200 and f'id="member-{member.pk}"' in row.content.decode()
    client.post(
        reverse("campaigns:response_record", args=[c.pk]), {"contact": anna.pk, "kind": "attended"}
    )
    assert CampaignResponse.objects.filter(contact=anna, kind="attended").exists()
    members = client.get(
        reverse("campaigns:detail", args=[c.pk]),
        {"status": "attended"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="members",
    )
    assert "Anna" in members.content.decode() and "Ben" not in members.content.decode()


def test_costs_and_delete(people: Any, client_as: Any) -> None:
    client = client_as("marketer")
    c = campaign(people.marketer)
    bad = client.post(
        reverse("campaigns:cost_add", args=[c.pk]),
        {"description": "Stand", "amount": "-1", "incurred_on": "2026-04-01"},
    )
    assert bad.status_code == 422
    client.post(
        reverse("campaigns:cost_add", args=[c.pk]),
        {"description": "Stand", "amount": "1500.50", "incurred_on": "2026-04-01"},
    )
    assert "1500.50" in client.get(reverse("campaigns:detail", args=[c.pk])).content.decode()
    client.post(reverse("campaigns:delete", args=[c.pk]))
    assert client.get(reverse("campaigns:detail", args=[c.pk])).status_code == 404


def test_comparison_page(people: Any, client_as: Any) -> None:
    campaign(people.marketer, "Messe")
    campaign(people.marketer, "Mailing", type="email")
    page = client_as("readonly").get(reverse("campaigns:attribution"), {"model": "first"})
    html = page.content.decode()
    assert page.status_code == 200 and "Messe" in html and "Mailing" in html
    assert "EUR only" in html

"""Lead capture through the API and the service: de-duplication, account, stage, campaign."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from interlock.campaigns.models import Campaign, CampaignResponse
from interlock.core.models import Event
from interlock.customers.models import Account, Contact
from interlock.leads.models import Assignment, Capture, LeadProfile
from interlock.leads.services_capture import CaptureData, lead_capture
from tests.conftest import naughty_strings


def _campaign(people: Any) -> Campaign:
    return Campaign.objects.create(
        name="Messe Stuttgart",
        type="event",
        starts_on=date(2026, 3, 1),
        team=people.marketing,
        utm_campaign="messe-26",
    )


def _post(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/api/v1/leads", json.dumps(body), content_type="application/json")


def test_api_capture_creates_then_updates_one_contact(people: Any, api_as: Any) -> None:
    campaign = _campaign(people)
    client = api_as("member")
    body = {
        "email": "Anna.Huber@Kessler.de ",
        "first_name": "Anna",
        "last_name": "Huber",
        "company": "Kessler Maschinenbau",
        "domain": "https://www.kessler.de/kontakt",
        "country": "DE",
        "utm_campaign": "messe-26",
        "utm_source": "fair",
        "consent_text": "Ich willige ein, dass Kessler mich kontaktiert.",
    }
    first = _post(client, body)
    assert first.status_code == 201, first.content
    out = first.json()
    contact = Contact.objects.get(pk=out["contact_id"])
    assert contact.email == "anna.huber@kessler.de"
    assert contact.account is not None and contact.account.domain == "kessler.de"
    assert out["created"] is True and out["stage"] in {"lead", "mql"}
    assert out["team_id"] is None or out["team_id"] == people.sales.pk
    capture = Capture.objects.get(pk=out["capture_id"])
    assert capture.consent_text.startswith("Ich willige") and capture.utm["utm_source"] == "fair"
    assert capture.campaign == campaign
    profile = LeadProfile.objects.get(contact=contact)
    assert (profile.source, profile.source_campaign) == ("api", campaign)
    assert CampaignResponse.objects.filter(contact=contact, campaign=campaign, kind="form").exists()
    assert Event.objects.filter(type="lead.captured").count() == 1

    # The same person again (other spelling, other colleague): updated, not duplicated.
    again = _post(
        api_as("marketer"),
        {
            "email": "anna.huber@kessler.de",
            "title": "Einkauf",
            "first_name": "Änne",
            "domain": "kessler.de",
            "source": "event",
        },
    )
    assert again.status_code == 200, again.content
    assert again.json()["contact_id"] == contact.pk and again.json()["created"] is False
    contact.refresh_from_db()
    assert contact.title == "Einkauf" and contact.first_name == "Anna"  # gaps filled only
    assert Contact.objects.count() == 1 and Account.objects.count() == 1
    assert LeadProfile.objects.get(contact=contact).source == "api"  # first source stays


def test_newsletter_only_is_a_subscriber_and_phone_suffices(people: Any) -> None:
    capture = lead_capture(
        actor=people.member,
        data=CaptureData(email="news@example.org", newsletter_only=True),
    )
    assert capture.contact.last_name == "news"
    assert Contact.objects.get(pk=capture.contact_id).lifecycle_stage == "subscriber"
    by_phone = lead_capture(actor=None, data=CaptureData(phone="+49 711 123456"), channel="form")
    assert by_phone.contact.phone == "+49711123456"
    again = lead_capture(actor=None, data=CaptureData(phone="0711 123456"), channel="form")
    assert again.contact_id == by_phone.contact_id and not again.created


def test_bad_input_is_refused_with_a_clear_message(people: Any, api_as: Any) -> None:
    client = api_as("member")
    for body, field in (
        ({"first_name": "Anna"}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@example.org", "country": "Atlantis"}, "country"),
        ({"email": "a@example.org", "domain": "localhost"}, "domain"),
        ({"email": "a@example.org", "campaign_id": 99999}, "campaign_id"),
        ({"email": "a@example.org", "last_name": "x" * 101}, "last_name"),
    ):
        response = _post(client, body)
        assert response.status_code in (400, 422), (body, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
        assert field in response.content.decode(), (body, response.content)
    assert _post(api_as("readonly"), {"email": "a@example.org"}).status_code == 403
    assert Contact.objects.count() == 0
    with pytest.raises(ValidationError):
        lead_capture(actor=None, data=CaptureData(email="x@example.org", first_name="a\x00b"))


def test_naughty_names_are_stored_verbatim_or_refused(people: Any, api_as: Any) -> None:
    client = api_as("admin")
    strings = naughty_strings()[::30]
    for i, value in enumerate(strings):
        response = _post(
            client,
            {"email": f"n{i}@example.org", "last_name": value[:100], "company": value[:200]},
        )
        assert response.status_code in (200, 201, 400, 422), (value, response.content)
        if response.status_code == 201:
            contact = Contact.objects.get(pk=response.json()["contact_id"])
            assert contact.last_name == (value[:100].strip() or f"n{i}")


def test_capture_routes_when_scoring_promotes(people: Any, api_as: Any) -> None:
    """Whatever scoring decides, a captured lead is never lost in routing."""
    response = _post(api_as("member"), {"email": "b@example.org", "company": "Acme AG"})
    assert response.status_code == 201
    contact_id = response.json()["contact_id"]
    for assignment in Assignment.objects.filter(contact_id=contact_id):
        assert assignment.team_id is not None


def test_timeline_registration_titles(people: Any) -> None:
    from interlock.customers import timeline
    from interlock.leads.services_capture import register_routing_and_capture

    register_routing_and_capture()
    kinds = timeline.registered()
    event = Event(type="lead.routed", payload={"team": "Sales", "user": "", "contact_id": 1})
    assert "Sales" in kinds["lead.routed"].title(event)
    assert kinds["lead.captured"].title(Event(payload={"created": True}))

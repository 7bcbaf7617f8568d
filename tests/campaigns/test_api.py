from __future__ import annotations

import json
from typing import Any

from interlock.campaigns.models import CampaignMember
from tests.campaigns.builders import campaign, contact

P = "/api/v1/campaigns"


def _send(client: Any, method: str, path: str, body: dict[str, Any]) -> Any:
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def test_crud_filters_and_pages(people: Any, api_as: Any) -> None:
    api = api_as("marketer")
    made = _send(
        api,
        "POST",
        P,
        {
            "name": "Webinar",
            "type": "webinar",
            "starts_on": "2026-05-01",
            "utm_campaign": "web26",
            "owner_id": people.marketer.pk,
        },
    )
    assert made.status_code == 201, made.content
    cid = made.json()["id"]
    assert made.json()["owner"]["id"] == people.marketer.pk
    clash = _send(
        api,
        "POST",
        P,
        {"name": "Copy", "type": "email", "starts_on": "2026-05-01", "utm_campaign": "web26"},
    )
    assert clash.status_code == 422 and "already used" in clash.content.decode()
    bad = _send(
        api,
        "POST",
        P,
        {
            "name": "X",
            "type": "email",
            "starts_on": "2026-05-02",
            "ends_on": "2026-05-01",
            "currency": "euro",
        },
    )
    assert bad.status_code == 422
    for i in range(3):
        campaign(people.marketer, f"C{i}", type="email")
    first = api.get(P, {"type": "email", "limit": 2}).json()
    second = api.get(P, {"type": "email", "limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    patched = _send(api, "PATCH", f"{P}/{cid}", {"status": "active", "ends_on": None})
    assert patched.json()["status"] == "active"
    assert _send(api, "PATCH", f"{P}/{cid}", {"name": None}).status_code == 422
    assert api.delete(f"{P}/{cid}").status_code == 204
    assert api.get(f"{P}/{cid}").status_code == 404


def test_costs_members_responses_attribution(people: Any, api_as: Any) -> None:
    api = api_as("lead")
    c = campaign(people.lead)
    base = f"{P}/{c.pk}"
    cost = _send(
        api,
        "POST",
        f"{base}/costs",
        {"description": "Stand", "amount": "800.00", "incurred_on": "2026-04-01"},
    )
    assert cost.status_code == 201 and cost.json()["currency"] == "EUR"
    wrong = _send(
        api,
        "POST",
        f"{base}/costs",
        {"description": "Ads", "amount": "1", "incurred_on": "2026-04-01", "currency": "USD"},
    )
    assert wrong.status_code == 422
    anna, ben = contact("Anna", "anna@example.com"), contact("Ben", "ben@example.com")
    added = _send(
        api,
        "POST",
        f"{base}/members",
        {"contact_ids": [anna.pk], "emails": ["BEN@example.com", "x@example.com"]},
    )
    assert added.json() == {"added": 2, "unknown_emails": ["x@example.com"]}
    assert _send(api, "POST", f"{base}/members", {}).status_code == 422
    status = _send(api, "PATCH", f"{base}/members", {"contact_id": ben.pk, "status": "attended"})
    assert status.json()["status"] == "attended"
    missing = _send(api, "PATCH", f"{base}/members", {"contact_id": 10**9, "status": "sent"})
    assert missing.status_code == 404
    listed = api.get(f"{base}/members", {"status": "attended"}).json()
    assert [m["contact"]["id"] for m in listed["items"]] == [ben.pk]
    carl = contact("Carl")
    resp = _send(api, "POST", f"{base}/responses", {"contact_id": carl.pk, "kind": "form"})
    assert resp.status_code == 201
    assert CampaignMember.objects.get(contact=carl).status == "responded"
    assert (
        _send(api, "POST", f"{base}/responses", {"contact_id": carl.pk, "kind": "x"}).status_code
        == 422
    )
    nul = _send(
        api,
        "POST",
        f"{base}/responses",
        {"contact_id": carl.pk, "kind": "form", "payload": {"a": "\u0000"}},
    )
    assert nul.status_code == 422
    figures = api.get(f"{base}/attribution", {"model": "first"})
    assert figures.status_code == 200 and figures.json()["cost"] == "800.00"
    assert api.get(f"{base}/attribution", {"model": "best"}).status_code == 422
    cost_id = cost.json()["id"]
    assert api.delete(f"{base}/costs/{cost_id}").status_code == 204
    assert api.get(f"{base}/costs").json()["items"] == []

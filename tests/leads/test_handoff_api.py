"""API of the lifecycle and handoff: stage moves, history, queue list, answers, reasons."""

from __future__ import annotations

import json
from typing import Any

import pytest

from interlock.leads.models import Handoff
from tests.leads.factories import make_contact, make_handoff

pytestmark = pytest.mark.django_db
P = "/api/v1"


def _post(client: Any, url: str, body: dict[str, Any], method: str = "POST") -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_stage_moves_and_history(people: Any, api_as: Any) -> None:
    contact = make_contact("lead")
    client = api_as("marketer")
    url = f"{P}/contacts/{contact.pk}/stage"
    unknown = _post(client, url, {"to_stage": "hot"})
    assert unknown.status_code == 422 and unknown["Content-Type"] == "application/problem+json"
    not_allowed = _post(client, url, {"to_stage": "customer"})
    assert not_allowed.status_code == 422
    assert "cannot move from" in not_allowed.json()["detail"]
    no_reason = _post(client, url, {"to_stage": "recycled"})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    moved = _post(client, url, {"to_stage": "mql"})
    assert moved.status_code == 200 and moved.json()["to_stage"] == "mql"
    history = client.get(f"{P}/contacts/{contact.pk}/transitions").json()
    assert [t["to_stage"] for t in history["items"]] == ["mql"]
    mine = api_as("readonly").get(f"{P}/handoffs", {"status": "open"}).json()["items"]
    assert [h["contact_id"] for h in mine] == [contact.pk]
    assert _post(api_as("readonly"), url, {"to_stage": "sal"}).status_code == 403


def test_answers_and_their_refusals(people: Any, api_as: Any) -> None:
    handoff = make_handoff(team=people.sales, assignee=people.member)
    rep = api_as("member")
    base = f"{P}/handoffs/{handoff.pk}"
    missing = _post(rep, f"{base}/reject", {"comment": "passt nicht"})
    assert missing.status_code == 422
    empty = _post(rep, f"{base}/reject", {"reason_code": ""})
    assert empty.status_code == 422 and "Choose a rejection reason" in empty.json()["detail"]
    assert _post(api_as("marketer"), f"{base}/accept", {}).status_code == 403
    rejected = _post(rep, f"{base}/reject", {"reason_code": "wrong-persona", "comment": "IT"})
    assert rejected.status_code == 200
    assert (
        rejected.json()["status"] == "rejected"
        and rejected.json()["reason_code"] == "wrong-persona"
    )
    again = _post(rep, f"{base}/accept", {})
    assert again.status_code == 422 and "already answered" in again.json()["detail"]
    mine = rep.get(f"{P}/handoffs", {"assignee": "me", "status": "rejected"}).json()["items"]
    assert [h["id"] for h in mine] == [handoff.pk]
    assert _post(api_as("marketer"), f"{base}/dispute", {"comment": ""}).status_code == 422
    disputed = _post(api_as("marketer"), f"{base}/dispute", {"comment": "Ist Entscheider"})
    assert disputed.json()["dispute"] == "open"
    listed = rep.get(f"{P}/handoffs", {"disputed": "true"}).json()["items"]
    assert [h["id"] for h in listed] == [handoff.pk]
    settled = _post(api_as("lead"), f"{base}/settle", {"overturn": True, "note": "ok"})
    assert settled.status_code == 200 and settled.json()["dispute"] == "overturned"
    assert Handoff.objects.filter(contact_id=handoff.contact_id, status="open").count() == 1


def test_qualification_and_reasons(people: Any, api_as: Any) -> None:
    contact = make_contact("sal")
    url = f"{P}/contacts/{contact.pk}/qualification"
    partial = _post(api_as("member"), url, {"budget": "50 T€"}, method="PUT").json()
    assert partial["stage"] == "sal" and partial["complete"] is False
    full = _post(
        api_as("member"),
        url,
        {"budget": "50 T€", "authority": "GF", "need": "Anlage", "timing": "Q3"},
        method="PUT",
    ).json()
    assert full["stage"] == "sql" and full["complete"] is True
    reasons = api_as("readonly").get(f"{P}/rejection-reasons").json()
    assert {r["code"] for r in reasons} >= {"no-need-now", "competitor"}
    assert api_as("member").get(f"{P}/handoffs", {"assignee": "x"}).status_code == 422

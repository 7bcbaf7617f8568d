"""The agreements API end to end: draft from a template, edit, propose, sign, new version."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from interlock.core.tokens import token_create
from interlock.org.models import Membership
from tests.agreements.test_authoring import standin_kinds  # noqa: F401 (fixture)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

P = "/api/v1"


def _send(client: Client, method: str, url: str, body: Any = None) -> Any:
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body else {}
    return client.generic(method, url, **kwargs)


@pytest.fixture
def mlead_api(people: Any) -> Client:
    user = make_user("mlead")
    Membership.objects.create(user=user, team=people.marketing, role=Membership.Role.LEAD)
    _token, raw = token_create(user=user, name="test", scope="write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_from_template_to_active_and_a_new_version(
    people: Any,
    api_as: Any,
    mlead_api: Client,
    standin_kinds: Any,  # noqa: F811
) -> None:
    lead = api_as("lead")
    created = _send(
        lead,
        "POST",
        f"{P}/agreements",
        {
            "provider_team_id": people.marketing.pk,
            "receiver_team_id": people.sales.pk,
            "template": "mql_handoff",
        },
    )
    assert created.status_code == 201, created.content
    agreement = created.json()
    assert agreement["current"]["status"] == "draft" and agreement["template"] == "mql_handoff"
    v1 = f"{P}/agreements/{agreement['id']}/versions/1"

    patched = _send(lead, "PATCH", v1, {"purpose": "Fast answers", "effective_to": None})
    assert patched.status_code == 200 and patched.json()["purpose"] == "Fast answers"
    term = _send(
        lead,
        "POST",
        f"{v1}/terms",
        {"type": "quantity", "deliverable": "lead.handoff", "period": "week", "minimum": 5},
    )
    assert term.status_code == 201, term.content
    changed = _send(lead, "PATCH", f"{P}/agreement-terms/{term.json()['id']}", {"maximum": 9})
    assert changed.json()["maximum"] == 9
    assert _send(lead, "DELETE", f"{P}/agreement-terms/{term.json()['id']}").status_code == 204
    step = _send(
        lead,
        "POST",
        f"{v1}/steps",
        {"trigger": "at_risk", "offset_hours": "2", "actions": ["notify_team_lead"]},
    )
    assert step.status_code == 201
    assert _send(lead, "DELETE", f"{P}/agreement-steps/{step.json()['id']}").status_code == 204

    proposed = _send(lead, "POST", f"{v1}/propose")
    assert proposed.status_code == 200 and proposed.json()["status"] == "proposed"
    assert _send(api_as("member"), "POST", f"{v1}/sign").status_code == 403
    assert _send(lead, "POST", f"{v1}/sign").json()["status"] == "proposed"
    signed = _send(mlead_api, "POST", f"{v1}/sign", {"side": "provider"})
    body = signed.json()
    assert body["status"] == "active" and len(body["signatures"]) == 2
    assert {s["content_hash"] for s in body["signatures"]} == {body["fingerprint"]}
    assert len(body["contract"]) == 3 + 4  # three terms, four ladder steps

    refused = _send(
        lead, "POST", f"{v1}/terms", {"type": "time", "deliverable": "lead.handoff", "hours": "4"}
    )
    assert refused.status_code == 422
    assert "start a new version" in refused.json()["detail"]

    v2 = _send(lead, "POST", f"{P}/agreements/{agreement['id']}/new-version")
    assert v2.status_code == 201 and v2.json()["number"] == 2
    assert len(v2.json()["terms"]) == 3
    listed = api_as("readonly").get(f"{P}/agreements", {"status": "active"}).json()
    assert [a["id"] for a in listed["items"]] == [agreement["id"]]
    detail = api_as("readonly").get(f"{P}/agreements/{agreement['id']}").json()
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    assert detail["current"]["number"] == 1

    ended = _send(lead, "POST", f"{P}/agreements/{agreement['id']}/terminate", {"reason": "Merged"})
    assert ended.status_code == 200 and ended.json()["status"] == "terminated"


def test_bad_input_is_a_422_with_a_message(people: Any, api_as: Any) -> None:
    lead = api_as("lead")
    same = _send(
        lead,
        "POST",
        f"{P}/agreements",
        {"provider_team_id": people.sales.pk, "receiver_team_id": people.sales.pk, "title": "x"},
    )
    assert same.status_code == 422 and "two different teams" in same.json()["detail"]
    missing = _send(
        lead,
        "POST",
        f"{P}/agreements",
        {"provider_team_id": people.marketing.pk, "receiver_team_id": 999999, "title": "x"},
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "receiver_team_id"
    template = _send(
        lead,
        "POST",
        f"{P}/agreements",
        {
            "provider_team_id": people.marketing.pk,
            "receiver_team_id": people.sales.pk,
            "template": "nope",
        },
    )
    assert template.status_code == 422 and "not a template" in template.json()["detail"]
    created = _send(
        lead,
        "POST",
        f"{P}/agreements",
        {
            "provider_team_id": people.marketing.pk,
            "receiver_team_id": people.sales.pk,
            "title": "x",
        },
    ).json()
    v1 = f"{P}/agreements/{created['id']}/versions/1"
    zero = _send(lead, "POST", f"{v1}/terms", {"type": "time", "deliverable": "x", "hours": "0"})
    assert zero.status_code == 422
    unknown = _send(
        lead, "POST", f"{v1}/terms", {"type": "time", "deliverable": "nope", "hours": "3"}
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "deliverable"
    empty = _send(lead, "POST", f"{v1}/propose")
    assert empty.status_code == 422 and "at least one term" in empty.json()["detail"]
    assert (
        _send(lead, "POST", f"{P}/agreements/{created['id']}/terminate", {"reason": ""}).status_code
        == 422
    )
    assert api_as("lead").get(f"{P}/agreements/999999").status_code == 404
    assert api_as("lead").get(f"{v1[:-1]}7").status_code == 404


def test_templates_are_listed(people: Any, api_as: Any) -> None:
    found = api_as("readonly").get(f"{P}/agreement-templates")
    assert [t["key"] for t in found.json()] == [
        "mql_handoff",
        "rejection_feedback",
        "won_deal_handover",
        "complaint_response",
    ]

"""Hand-made requests between teams: services, the kind, the page and the API end to end."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interlock.agreements.models import WorkRequest
from interlock.agreements.services_requests import request_cancel, request_create, request_deliver
from interlock.core import deliverables
from interlock.core.models import Event

pytestmark = pytest.mark.django_db


def _ask(people: Any, **extra: Any) -> WorkRequest:
    fields: dict[str, Any] = {
        "title": "Case study Kessler",
        "requesting_team": people.sales,
        "provider_team": people.marketing,
    }
    fields.update(extra)
    return request_create(actor=people.member, **fields)


def test_create_deliver_and_the_kind(people: Any) -> None:
    kind = deliverables.get("request")
    wanted = timezone.now() + timedelta(days=5)
    request = _ask(people, assignee=people.marketer, due_at=wanted)
    delivery = kind.delivery(Event.objects.get(type="request.created"))
    assert delivery is not None
    assert delivery.key == f"request:{request.pk}"
    assert delivery.place == f"team:{people.marketing.pk}"
    assert delivery.assignee_id == people.marketer.pk and delivery.due_at == wanted
    assert delivery.title == "Case study Kessler"
    assert (f"team:{people.marketing.pk}", "Marketing") in kind.places()
    request_deliver(actor=people.marketer, request=request, note="PDF in the drive")
    request.refresh_from_db()
    assert request.status == "delivered" and request.delivered_by == people.marketer
    assert kind.instance_key(Event.objects.get(type="request.delivered")) == delivery.key
    assert kind.evaluate is not None
    assert kind.evaluate([delivery.key]) == {delivery.key: {"delivery_note": "PDF in the drive"}}
    with pytest.raises(ValidationError, match="already delivered"):
        request_cancel(actor=people.member, request=request)


def test_cancel_and_who_may(people: Any) -> None:
    kind = deliverables.get("request")
    request = _ask(people)
    with pytest.raises(PermissionDenied):
        request_deliver(actor=people.readonly, request=request)
    with pytest.raises(PermissionDenied):
        request_create(
            actor=people.readonly,
            title="x",
            requesting_team=people.sales,
            provider_team=people.marketing,
        )
    request_cancel(actor=people.member, request=request, reason="Not needed")
    cancelled = Event.objects.get(type="request.cancelled")
    assert "request.cancelled" in kind.cancelled_by
    assert kind.instance_key(cancelled) == f"request:{request.pk}"


def test_bad_input_is_refused(people: Any) -> None:
    with pytest.raises(ValidationError) as same:
        _ask(people, provider_team=people.sales)
    assert "provider_team" in same.value.message_dict
    with pytest.raises(ValidationError) as past:
        _ask(people, due_at=timezone.now() - timedelta(hours=1))
    assert "due_at" in past.value.message_dict
    with pytest.raises(ValidationError) as outsider:
        _ask(people, assignee=people.member)  # not in Marketing
    assert "assignee" in outsider.value.message_dict
    with pytest.raises(ValidationError):
        _ask(people, title="  ")
    assert not WorkRequest.objects.exists()
    assert not Event.objects.filter(type="request.created").exists()


def test_the_pages(people: Any, client_as: Any) -> None:
    client = client_as("member")
    assert client.get("/agreements/requests/new/").status_code == 200
    response = client.post(
        "/agreements/requests/new/",
        {
            "title": "Battle card",
            "requesting_team": people.sales.pk,
            "provider_team": people.sales.pk,
        },
    )
    assert response.status_code == 422 and "does not ask itself" in response.content.decode()
    response = client.post(
        "/agreements/requests/new/",
        {
            "title": "Battle card",
            "requesting_team": people.sales.pk,
            "provider_team": people.marketing.pk,
        },
    )
    assert response.status_code == 302
    request = WorkRequest.objects.get()
    assert "Battle card" in client.get("/agreements/requests/").content.decode()
    marketer = client_as("marketer")
    assert "Battle card" in marketer.get("/agreements/requests/").content.decode()
    row = marketer.post(
        f"/agreements/requests/{request.pk}/deliver/", {"note": "Done"}, HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200 and "Done" in row.content.decode()
    again = marketer.post(f"/agreements/requests/{request.pk}/cancel/", HTTP_HX_REQUEST="true")
    assert again.status_code == 422
    done = client.get("/agreements/requests/?status=done").content.decode()
    assert "Battle card" in done
    assert client_as("readonly").post("/agreements/requests/new/", {}).status_code == 403


def test_the_api(people: Any, api_as: Any) -> None:
    api = api_as("member")
    body = {
        "title": "Webinar deck",
        "requesting_team_id": people.sales.pk,
        "provider_team_id": people.marketing.pk,
        "due_at": (timezone.now() + timedelta(days=3)).isoformat(),
    }
    created = api.post("/api/v1/requests", body, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    bad = api.post(
        "/api/v1/requests",
        {**body, "provider_team_id": people.sales.pk},
        content_type="application/json",
    )
    assert bad.status_code == 422
    missing = api.post(
        "/api/v1/requests", {**body, "provider_team_id": 999999}, content_type="application/json"
    )
    assert missing.status_code == 422
    listed = api.get("/api/v1/requests?status=open").json()["items"]
    assert [r["id"] for r in listed] == [pk]
    assert (
        api_as("readonly")
        .post(f"/api/v1/requests/{pk}/deliver", {}, content_type="application/json")
        .status_code
        == 403
    )
    delivered = api.post(
        f"/api/v1/requests/{pk}/deliver", {"note": "ok"}, content_type="application/json"
    )
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    assert (
        api.post(f"/api/v1/requests/{pk}/cancel", {}, content_type="application/json").status_code
        == 422
    )

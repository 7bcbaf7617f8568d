"""The handover form of a won deal: drafts, completion once, bad input, permissions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.core.models import Event
from interlock.sales import services
from interlock.sales.models import Deal, DealHandover
from interlock.sales.services_handover import handover_complete, handover_save
from tests.conftest import make_team

pytestmark = pytest.mark.django_db

FULL = {
    "goals": "Cut downtime by 20 %",
    "stakeholders": "Dr. Weber (CTO), Frau Kaya (operations)",
    "commitments": "Go-live by 1 June; two training days",
    "risks": "IT team is small",
    "next_steps": "Kick-off call next week",
}


@pytest.fixture
def support(people: Any) -> Any:
    return make_team("Customer Success", "support")


@pytest.fixture
def won(people: Any, world: Any) -> Deal:
    deal = services.deal_create(
        actor=people.member, title="Line 4", account=world.account, amount=Decimal("9000")
    )
    services.deal_win(actor=people.member, deal=deal)
    return deal


def test_a_draft_records_no_completion_and_completing_records_one(
    people: Any, won: Deal, support: Any
) -> None:
    draft = handover_save(actor=people.member, deal=won, team=support, goals=" Growth ")
    assert draft.goals == "Growth" and draft.completed_at is None
    assert len(draft.missing()) == 4
    with pytest.raises(ValidationError, match="missing: stakeholders"):
        handover_complete(actor=people.member, deal=won)
    assert not Event.objects.filter(type="deal.handover_completed").exists()
    handover_save(actor=people.member, deal=won, team=support, **FULL)
    done = handover_complete(actor=people.member, deal=won)
    assert done.completed_by == people.member and done.completed_at is not None
    event = Event.objects.get(type="deal.handover_completed")
    assert event.payload["deal_id"] == won.pk and event.payload["team_id"] == support.pk
    with pytest.raises(ValidationError, match="already completed"):
        handover_complete(actor=people.member, deal=won)
    with pytest.raises(ValidationError, match="stays as it is"):
        handover_save(actor=people.member, deal=won, team=support, **FULL)
    assert Event.objects.filter(type="deal.handover_completed").count() == 1


def test_bad_input_is_refused_with_clear_errors(people: Any, world: Any, support: Any) -> None:
    open_deal = services.deal_create(actor=people.member, title="Open", account=world.account)
    handover_save(actor=people.member, deal=open_deal, team=support, **FULL)
    with pytest.raises(ValidationError, match="win the deal first"):
        handover_complete(actor=people.member, deal=open_deal)
    with pytest.raises(ValidationError, match="not a customer success team"):
        handover_save(actor=people.member, deal=open_deal, team=people.sales, **FULL)
    assert DealHandover.objects.get(deal=open_deal).team == support  # nothing half-written


def test_readonly_may_not_write_the_handover(people: Any, won: Deal) -> None:
    with pytest.raises(PermissionDenied):
        handover_save(actor=people.readonly, deal=won, **FULL)
    with pytest.raises(PermissionDenied):
        handover_complete(actor=people.readonly, deal=won)


def test_the_page_saves_a_draft_then_completes(
    people: Any, won: Deal, support: Any, client_as: Any
) -> None:
    client = client_as("member")
    url = f"/sales/deals/{won.pk}/handover/"
    assert "Handover" in client.get(f"/sales/deals/{won.pk}/").content.decode()
    response = client.post(url, {"team": support.pk, "goals": "Growth", "action": "complete"})
    assert response.status_code == 422
    assert "missing" in response.content.decode()
    assert DealHandover.objects.get(deal=won).goals == "Growth"  # the draft is kept
    response = client.post(url, {"team": support.pk, **FULL, "action": "complete"})
    assert response.status_code == 302
    assert DealHandover.objects.get(deal=won).completed_at is not None
    panel = client.get(f"/sales/deals/{won.pk}/handover/panel/").content.decode()
    assert "Handover complete" in panel
    assert client_as("readonly").post(url, FULL).status_code == 403


def test_the_api_saves_and_completes(people: Any, won: Deal, support: Any, api_as: Any) -> None:
    api = api_as("member")
    path = f"/api/v1/deals/{won.pk}/handover"
    assert api.get(path).json()["completed_at"] is None
    response = api.put(path, {"team_id": support.pk, **FULL}, content_type="application/json")
    assert response.status_code == 200 and response.json()["missing"] == []
    bad = api.put(path, {"team_id": 999999}, content_type="application/json")
    assert bad.status_code == 422
    done = api.post(f"{path}/complete")
    assert done.status_code == 200 and done.json()["completed_by_id"] == people.member.pk
    assert api.post(f"{path}/complete").status_code == 422

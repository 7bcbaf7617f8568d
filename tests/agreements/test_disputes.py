"""Disputes of breaches: raised by the receiver, decided by a team lead of each side."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.agreements.models import AgendaItem, BreachDispute
from interlock.agreements.services_disputes import breach_dispute_decide, breach_dispute_raise
from interlock.core.models import Event
from interlock.org.models import Membership
from tests.agreements.access_disputes import make_obligation
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _marketing_lead(people: Any) -> Any:
    boss = make_user("mlead")
    Membership.objects.create(user=boss, team=people.marketing, role=Membership.Role.LEAD)
    return boss


def test_raise_and_settle_waived(people: Any) -> None:
    obligation = make_obligation(people)
    dispute = breach_dispute_raise(actor=people.member, obligation=obligation, reason="Holiday")
    assert (dispute.deliverable_key, dispute.term_id_ref) == ("handoff:1", obligation.term_id)
    dispute = breach_dispute_decide(actor=people.lead, dispute=dispute, decision="waived")
    assert dispute.status == "open" and dispute.receiver_decision == "waived"
    dispute = breach_dispute_decide(
        actor=_marketing_lead(people), dispute=dispute, decision="waived"
    )
    assert dispute.status == "waived" and dispute.settled_at
    obligation.refresh_from_db()
    assert obligation.waived
    assert set(Event.objects.values_list("type", flat=True)) >= {
        "breach_dispute.raised",
        "breach_dispute.settled",
    }


def test_disagreement_stays_open_on_the_agenda(people: Any) -> None:
    dispute = breach_dispute_raise(
        actor=people.member, obligation=make_obligation(people), reason="x"
    )
    breach_dispute_decide(actor=people.lead, dispute=dispute, decision="waived")
    dispute = breach_dispute_decide(
        actor=_marketing_lead(people), dispute=dispute, decision="upheld"
    )
    assert dispute.status == "open" and "disagree" in dispute.note
    assert AgendaItem.objects.filter(dispute=dispute).exists()


def test_denied(people: Any) -> None:
    obligation = make_obligation(people)
    with pytest.raises(PermissionDenied):  # marketing cannot dispute a sales-side breach
        breach_dispute_raise(actor=people.marketer, obligation=obligation, reason="x")
    dispute = breach_dispute_raise(actor=people.member, obligation=obligation, reason="x")
    with pytest.raises(PermissionDenied):  # a member does not settle
        breach_dispute_decide(actor=people.member, dispute=dispute, decision="waived")


def test_bad_input(people: Any) -> None:
    obligation = make_obligation(people)
    with pytest.raises(ValidationError):
        breach_dispute_raise(actor=people.member, obligation=obligation, reason="  ")
    with pytest.raises(ValidationError):
        breach_dispute_raise(
            actor=people.member,
            obligation=make_obligation(people, status="open", key="h:2"),
            reason="x",
        )
    breach_dispute_raise(actor=people.member, obligation=obligation, reason="x")
    with pytest.raises(ValidationError):
        breach_dispute_raise(actor=people.lead, obligation=obligation, reason="again")
    dispute = BreachDispute.objects.get()
    with pytest.raises(ValidationError):
        breach_dispute_decide(actor=people.lead, dispute=dispute, decision="maybe")
    assert BreachDispute.objects.count() == 1


def test_pages_and_api(people: Any, client_as: Any, api_as: Any) -> None:
    obligation = make_obligation(people)
    member = client_as("member")
    assert member.get(f"/agreements/obligations/{obligation.pk}/dispute/").status_code == 200
    assert (
        member.post(f"/agreements/obligations/{obligation.pk}/dispute/", {"reason": ""}).status_code
        == 422
    )
    assert (
        member.post(
            f"/agreements/obligations/{obligation.pk}/dispute/", {"reason": "Holiday"}
        ).status_code
        == 302
    )
    page = client_as("lead").get("/agreements/disputes/").content.decode()
    assert "Holiday" in page and "Decide" in page
    dispute = BreachDispute.objects.get()
    answer = api_as("lead").post(
        f"/api/v1/breach-disputes/{dispute.pk}/decide",
        data={"decision": "upheld"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["receiver_decision"] == "upheld"
    again = api_as("member").post(
        f"/api/v1/obligations/{obligation.pk}/disputes",
        data={"reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 422
    listed = api_as("readonly").get("/api/v1/breach-disputes?status=open").json()["items"]
    assert [d["id"] for d in listed] == [dispute.pk]

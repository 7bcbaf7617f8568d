"""Marketing answers a rejected lead: service, page and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.core.models import Event
from interlock.leads.models import Handoff
from interlock.leads.services_feedback import handoff_answer_rejection, handoff_reassign
from interlock.leads.services_lifecycle import handoff_dispute
from tests.leads.factories import make_contact, make_handoff

pytestmark = pytest.mark.django_db


def _rejected(people: Any) -> Handoff:
    return make_handoff(
        team=people.sales,
        status="rejected",
        contact=make_contact("recycled"),
        reason_code="no-need-now",
    )


def test_marketing_answers_a_rejection_once(people: Any) -> None:
    handoff = _rejected(people)
    answered = handoff_answer_rejection(
        actor=people.marketer, handoff=handoff, note=" Back to the nurture track "
    )
    assert answered.answer_note == "Back to the nurture track"
    assert answered.answered_by == people.marketer and answered.answered_at is not None
    event = Event.objects.get(type="lead.rejection_answered")
    assert event.payload["handoff_id"] == handoff.pk
    with pytest.raises(ValidationError, match="already answered"):
        handoff_answer_rejection(actor=people.marketer, handoff=handoff, note="again")


def test_bad_input_and_denied(people: Any) -> None:
    handoff = _rejected(people)
    with pytest.raises(ValidationError):
        handoff_answer_rejection(actor=people.marketer, handoff=handoff, note="  ")
    with pytest.raises(PermissionDenied):
        handoff_answer_rejection(actor=people.member, handoff=handoff, note="ok")
    open_one = make_handoff(team=people.sales)
    with pytest.raises(ValidationError, match="Only a rejected lead"):
        handoff_answer_rejection(actor=people.marketer, handoff=open_one, note="ok")
    handoff_dispute(actor=people.marketer, handoff=handoff, comment="Need is there")
    with pytest.raises(ValidationError, match="disputed"):
        handoff_answer_rejection(actor=people.marketer, handoff=handoff, note="ok")
    assert not Event.objects.filter(type="lead.rejection_answered").exists()


def test_reassign_checks_the_person(people: Any) -> None:
    handoff = make_handoff(team=people.sales)
    with pytest.raises(ValidationError, match="inactive"):
        handoff_reassign(handoff=handoff, assignee_id=people.inactive.pk)
    with pytest.raises(PermissionDenied):
        handoff_reassign(handoff=handoff, assignee_id=people.member.pk, actor=people.marketer)
    handoff_reassign(handoff=handoff, assignee_id=people.member.pk, actor=people.lead)
    handoff.refresh_from_db()
    assert handoff.assignee == people.member


def test_the_rejections_page_offers_the_answer(people: Any, client_as: Any) -> None:
    handoff = _rejected(people)
    client = client_as("marketer")
    page = client.get("/leads/rejections/").content.decode()
    assert f"/leads/handoffs/{handoff.pk}/answer/" in page
    response = client.post(f"/leads/handoffs/{handoff.pk}/answer/", {"note": "Nurture"})
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert handoff.answer_note == "Nurture"
    assert "Nurture" in client.get("/leads/rejections/").content.decode()
    assert (
        client_as("member").post(f"/leads/handoffs/{handoff.pk}/answer/", {"note": "x"}).status_code
        == 403
    )


def test_the_api_answers(people: Any, api_as: Any) -> None:
    handoff = _rejected(people)
    path = f"/api/v1/handoffs/{handoff.pk}/answer"
    assert (
        api_as("marketer").post(path, {"note": ""}, content_type="application/json").status_code
        == 422
    )
    response = api_as("marketer").post(path, {"note": "Nurture"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["answer_note"] == "Nurture"
    assert (
        api_as("member").post(path, {"note": "x"}, content_type="application/json").status_code
        == 403
    )

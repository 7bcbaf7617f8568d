"""Pages of the handoff: queues, inline accept/reject, rejections, lead panel, reasons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from interlock.customers.models import Contact
from interlock.leads.models import Handoff, RejectionReason
from interlock.leads.services_lifecycle import handoff_reject
from tests.leads.factories import make_contact, make_handoff

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_my_leads_marks_overdue_and_accepts_inline(people: Any, client_as: Any) -> None:
    late = make_handoff(
        team=people.sales, assignee=people.member, handed_at=None, due_in=timedelta(hours=-1)
    )
    client = client_as("member")
    page = client.get(reverse("leads:my_leads"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="handoff-{late.pk}" class="handoff--overdue"' in html
    answer = client.post(reverse("leads:handoff_accept", args=[late.pk]), **HTMX)
    assert answer.status_code == 200
    assert "handoff--answered" in answer.content.decode()
    assert Contact.objects.get(pk=late.contact_id).lifecycle_stage == "sal"
    again = client.post(reverse("leads:handoff_accept", args=[late.pk]), **HTMX)
    assert "already answered" in again.content.decode()


def test_reject_without_reason_is_refused_in_the_form(people: Any, client_as: Any) -> None:
    handoff = make_handoff(team=people.sales, assignee=people.member)
    client = client_as("member")
    url = reverse("leads:handoff_reject", args=[handoff.pk])
    form = client.get(url, **HTMX)
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    refused = client.post(url, {"reason": "", "comment": "passt nicht"}, **HTMX)
    assert refused.status_code == 422
    assert "Choose a rejection reason" in refused.content.decode()
    handoff.refresh_from_db()
    assert handoff.status == "open"
    done = client.post(url, {"reason": "no-need-now", "comment": "2027", "next": "/leads/my/"})
    assert done.status_code == 302 and done["Location"] == "/leads/my/"
    assert Contact.objects.get(pk=handoff.contact_id).lifecycle_stage == "recycled"


def test_rejections_page_filters_and_offers_dispute_to_marketing(
    people: Any, client_as: Any
) -> None:
    first = make_handoff(team=people.sales, assignee=people.member)
    second = make_handoff(
        team=people.sales, assignee=people.member, contact=make_contact("mql", last_name="Kraus")
    )
    handoff_reject(actor=people.member, handoff=first, reason_code="wrong-size", comment="Nur 5 MA")
    handoff_reject(actor=people.member, handoff=second, reason_code="no-need-now")
    url = reverse("leads:rejections")
    html = client_as("marketer").get(url).content.decode()
    assert "Nur 5 MA" in html and "Kraus" in html
    assert reverse("leads:handoff_dispute", args=[first.pk]) in html
    filtered = client_as("marketer").get(url, {"reason": "wrong-size"}, **HTMX).content.decode()
    assert "Nur 5 MA" in filtered and "Kraus" not in filtered
    member_view = client_as("member").get(url).content.decode()
    assert reverse("leads:handoff_dispute", args=[first.pk]) not in member_view
    response = client_as("marketer").post(
        reverse("leads:handoff_dispute", args=[first.pk]), {"comment": ""}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.dispute == ""  # the comment is required
    client_as("marketer").post(
        reverse("leads:handoff_dispute", args=[first.pk]), {"comment": "Hat 300 MA"}
    )
    client_as("lead").post(
        reverse("leads:handoff_settle", args=[first.pk]), {"decision": "overturn"}
    )
    first.refresh_from_db()
    assert first.dispute == "overturned"
    assert Handoff.objects.filter(contact_id=first.contact_id, status="open").exists()


def test_contact_panel_changes_stage_and_explains_refusals(people: Any, client_as: Any) -> None:
    contact = make_contact("lead")
    client = client_as("marketer")
    url = reverse("leads:contact_panel", args=[contact.pk])
    page = client.get(url)
    assert page.status_code == 200 and "<html" in page.content.decode()
    partial = client.get(url, **HTMX).content.decode()
    assert "<html" not in partial and 'id="lead-panel"' in partial
    stage_url = reverse("leads:contact_stage", args=[contact.pk])
    refused = client.post(stage_url, {"to_stage": "disqualified"}, **HTMX)
    assert refused.status_code == 422 and "reason is required" in refused.content.decode()
    refused = client.post(stage_url, {"to_stage": "customer"}, **HTMX)
    assert refused.status_code == 422 and "cannot move from" in refused.content.decode()
    moved = client.post(stage_url, {"to_stage": "disqualified", "reason": "Student"}, **HTMX)
    assert moved.status_code == 200 and "Student" in moved.content.decode()
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "disqualified"


def test_qualify_in_the_panel_makes_an_sql(people: Any, client_as: Any) -> None:
    contact = make_contact("sal")
    response = client_as("member").post(
        reverse("leads:contact_qualify", args=[contact.pk]),
        {"budget": "50 T€", "authority": "GF", "need": "Anlage", "timing": "Q3", "advance": "on"},
    )
    assert response.status_code == 302
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "sql"


def test_reasons_add_and_retire(people: Any, client_as: Any) -> None:
    client = client_as("marketer")
    created = client.post(
        reverse("leads:reasons"),
        {
            "code": "budget-frozen",
            "name": "Budget eingefroren",
            "outcome": "recycled",
            "position": 5,
        },
    )
    assert created.status_code == 302
    reason = RejectionReason.objects.get(code="budget-frozen")
    duplicate = client.post(
        reverse("leads:reasons"),
        {"code": "budget-frozen", "name": "x", "outcome": "recycled", "position": 5},
    )
    assert duplicate.status_code == 422
    p = f"r{reason.pk}-"
    client.post(
        reverse("leads:reason_edit", args=[reason.pk]),
        {f"{p}name": "Budget eingefroren", f"{p}outcome": "recycled", f"{p}position": 5},
    )
    reason.refresh_from_db()
    assert reason.active is False
    form = client_as("member").get(
        reverse("leads:handoff_reject", args=[make_handoff(team=people.sales).pk])
    )
    assert "budget-frozen" not in form.content.decode()


def test_team_queue_lets_leads_choose_a_team(people: Any, client_as: Any) -> None:
    make_handoff(team=people.sales, assignee=people.member)
    make_handoff(team=people.marketing, contact=make_contact("mql", last_name="Fuchs"))
    own = client_as("lead").get(reverse("leads:team_queue")).content.decode()
    assert "Weber" in own and "Fuchs" not in own
    other = (
        client_as("lead")
        .get(reverse("leads:team_queue"), {"team": people.marketing.pk})
        .content.decode()
    )
    assert "Fuchs" in other and "Weber" not in other
    member = (
        client_as("member")
        .get(reverse("leads:team_queue"), {"team": people.marketing.pk})
        .content.decode()
    )
    assert "Fuchs" not in member  # members see their own teams only

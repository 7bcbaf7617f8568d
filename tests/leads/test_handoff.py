"""Handoff services: routing into a queue, accept, reject, dispute, settle, queues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.core.models import Event
from interlock.customers.models import Contact
from interlock.leads import selectors_handoff as selectors
from interlock.leads.models import Handoff, LeadProfile, LifecycleTransition, RejectionReason
from interlock.leads.services_handoff import reason_label, reason_update
from interlock.leads.services_lifecycle import (
    handoff_accept,
    handoff_create,
    handoff_dispute,
    handoff_reject,
    handoff_settle,
    lifecycle_change,
)
from interlock.org.models import Absence
from tests.leads.factories import make_contact, make_handoff

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # Monday 10:00 in Berlin


def _mql(people: Any, **extra: Any) -> Handoff:
    contact = make_contact("lead", **extra)
    lifecycle_change(actor=people.marketer, contact=contact, to_stage="mql", at=T0)
    return Handoff.objects.select_related("contact").get(contact=contact)


def test_becoming_mql_hands_over_with_a_due_time_in_business_hours(people: Any) -> None:
    contact = make_contact("lead")
    LeadProfile.objects.create(contact=contact, source="web_form")
    lifecycle_change(actor=people.marketer, contact=contact, to_stage="mql", at=T0)
    handoff = Handoff.objects.get(contact=contact)
    assert handoff.team == people.sales and handoff.status == "open"
    assert handoff.due_at == T0 + timedelta(days=1)  # 8 h of a 9–17 day: Tuesday 10:00
    assert handoff.source == "web_form"
    event = Event.objects.get(type="lead.handed_off")
    assert event.payload == {
        "contact_id": contact.pk,
        "contact_name": str(contact),
        "owner_id": None,
        "account_id": contact.account_id,
        "team_id": people.sales.pk,
        "assignee_id": None,
        "handoff_id": handoff.pk,
        "due_at": handoff.due_at.isoformat(),
        "fit_grade": "",
    }
    with pytest.raises(ValidationError, match="already waits"):
        handoff_create(contact=contact)


def test_accept_makes_an_sal_and_cannot_be_answered_twice(people: Any) -> None:
    handoff = _mql(people)
    done = handoff_accept(actor=people.member, handoff=handoff, at=T0 + timedelta(hours=2))
    assert done.status == "accepted" and done.responded_by == people.member
    assert done.response_seconds == 2 * 3600
    assert Contact.objects.get(pk=handoff.contact_id).lifecycle_stage == "sal"
    assert Event.objects.filter(type="lead.accepted").count() == 1
    with pytest.raises(ValidationError, match="already answered"):
        handoff_accept(actor=people.member, handoff=handoff)
    with pytest.raises(ValidationError, match="already answered"):
        handoff_reject(actor=people.member, handoff=handoff, reason_code="wrong-size")


def test_only_the_queue_may_answer(people: Any) -> None:
    handoff = _mql(people)
    for outsider in (people.marketer, people.readonly):
        with pytest.raises(PermissionDenied):
            handoff_accept(actor=outsider, handoff=handoff)


def test_reject_needs_an_active_reason(people: Any) -> None:
    handoff = _mql(people)
    for code, message in (("", "Choose a rejection reason"), ("nope", "not a rejection reason")):
        with pytest.raises(ValidationError, match=message):
            handoff_reject(actor=people.member, handoff=handoff, reason_code=code)
    retired = RejectionReason.objects.get(code="competitor")
    reason_update(actor=people.marketer, reason=retired, active=False)
    with pytest.raises(ValidationError, match="retired"):
        handoff_reject(actor=people.member, handoff=handoff, reason_code="competitor")
    handoff.refresh_from_db()
    assert handoff.status == "open"
    assert Contact.objects.get(pk=handoff.contact_id).lifecycle_stage == "mql"


@pytest.mark.parametrize(
    ("code", "stage", "recycled"),
    [("no-need-now", "recycled", True), ("wrong-region", "disqualified", False)],
)
def test_reject_returns_the_lead_by_the_reasons_outcome(
    people: Any, code: str, stage: str, recycled: bool
) -> None:
    handoff = _mql(people)
    done = handoff_reject(
        actor=people.member,
        handoff=handoff,
        reason_code=code,
        comment="Erst nächstes Jahr",
        at=T0 + timedelta(hours=1),
    )
    assert done.status == "rejected" and done.reason is not None and done.reason.code == code
    assert done.response_seconds == 3600
    assert Contact.objects.get(pk=handoff.contact_id).lifecycle_stage == stage
    moved = LifecycleTransition.objects.filter(contact_id=handoff.contact_id).latest("id")
    assert moved.rule == "handoff.rejected" and "Erst nächstes Jahr" in moved.reason
    rejected = Event.objects.get(type="lead.rejected")
    assert rejected.payload["reason_code"] == code
    assert rejected.payload["comment"] == "Erst nächstes Jahr"
    assert Event.objects.filter(type="lead.recycled").exists() is recycled
    assert list(selectors.rejections()) == [done]


def test_dispute_and_settle_rules(people: Any) -> None:
    handoff = _mql(people)
    with pytest.raises(ValidationError, match="Only a rejected lead"):
        handoff_dispute(actor=people.marketer, handoff=handoff, comment="Doch!")
    handoff_reject(actor=people.member, handoff=handoff, reason_code="wrong-size")
    with pytest.raises(PermissionDenied):
        handoff_dispute(actor=people.lead, handoff=handoff, comment="Doch!")
    with pytest.raises(ValidationError, match="Say why"):
        handoff_dispute(actor=people.marketer, handoff=handoff, comment="  ")
    with pytest.raises(ValidationError, match="open dispute"):
        handoff_settle(actor=people.lead, handoff=handoff, overturn=True)
    handoff_dispute(actor=people.marketer, handoff=handoff, comment="300 Mitarbeiter, passt")
    with pytest.raises(ValidationError, match="already disputed"):
        handoff_dispute(actor=people.marketer, handoff=handoff, comment="Nochmal")
    with pytest.raises(PermissionDenied):
        handoff_settle(actor=people.member, handoff=handoff, overturn=True)
    settled = handoff_settle(actor=people.lead, handoff=handoff, overturn=True, note="Stimmt")
    assert settled.dispute == "overturned" and settled.settled_by == people.lead
    assert Contact.objects.get(pk=handoff.contact_id).lifecycle_stage == "mql"
    assert Handoff.objects.filter(contact_id=handoff.contact_id, status="open").count() == 1
    with pytest.raises(ValidationError, match="open dispute"):
        handoff_settle(actor=people.lead, handoff=handoff, overturn=False)


def test_an_upheld_rejection_leaves_the_contact(people: Any) -> None:
    handoff = _mql(people)
    handoff_reject(actor=people.member, handoff=handoff, reason_code="no-need-now")
    handoff_dispute(actor=people.marketer, handoff=handoff, comment="Doch Bedarf")
    settled = handoff_settle(actor=people.manager, handoff=handoff, overturn=False)
    assert settled.dispute == "upheld"
    assert Contact.objects.get(pk=handoff.contact_id).lifecycle_stage == "recycled"
    assert not Handoff.objects.filter(status="open").exists()


def test_my_leads_holds_mine_and_those_i_cover_sorted_by_due_time(people: Any) -> None:
    now = datetime.now(UTC)
    later = make_handoff(team=people.sales, assignee=people.member, due_in=timedelta(hours=5))
    sooner = make_handoff(team=people.sales, assignee=people.member, due_in=timedelta(hours=1))
    covered = make_handoff(team=people.sales, assignee=people.lead, due_in=timedelta(hours=3))
    make_handoff(team=people.sales, assignee=people.member, status="accepted")
    assert list(selectors.my_leads(people.member)) == [sooner, later]
    Absence.objects.create(
        user=people.lead,
        deputy=people.member,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    assert list(selectors.my_leads(people.member)) == [sooner, covered, later]
    assert set(selectors.team_queue([people.sales])) == {sooner, covered, later}


def test_seeded_reasons_show_translated_until_renamed(people: Any) -> None:
    from django.utils import translation

    reason = RejectionReason.objects.get(code="no-need-now")
    assert reason.outcome == "recycled"
    assert RejectionReason.objects.get(code="wrong-persona").outcome == "recycled"
    assert RejectionReason.objects.filter(outcome="disqualified").count() == 5
    with translation.override("en"):
        assert reason_label(reason) == "No need now"
    reason_update(actor=people.marketer, reason=reason, name="Kein Bedarf 2026")
    assert reason_label(reason) == "Kein Bedarf 2026"


def test_rejections_reach_the_contact_timeline(people: Any) -> None:
    from django.utils import translation

    from interlock.core import events
    from interlock.customers.models import TimelineEntry

    handoff = _mql(people)
    handoff_reject(
        actor=people.member, handoff=handoff, reason_code="no-need-now", comment="Erst 2027"
    )
    with translation.override("en"):  # titles are written in the active language
        events.deliver()
    entries = TimelineEntry.objects.filter(contact_id=handoff.contact_id, kind="lead")
    titles = {e.title for e in entries}
    assert "Lead rejected by sales: No need now" in titles
    assert "Lead returned to marketing (recycled)" in titles
    assert any(e.summary == "No need now: Erst 2027" for e in entries)


def test_a_lead_moved_on_by_other_means_leaves_the_queue(people: Any) -> None:
    handoff = _mql(people)
    lifecycle_change(
        actor=None, contact=handoff.contact, to_stage="opportunity", rule="deal.created"
    )
    handoff.refresh_from_db()
    assert handoff.status == "withdrawn"
    assert Event.objects.filter(type="lead.handoff_withdrawn").count() == 1
    assert not selectors.my_leads(people.member).exists()

"""Lifecycle moves: the table, reasons, BANT, time in stage, events, deal subscribers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from interlock.core import events
from interlock.core.models import Event
from interlock.customers.models import Contact
from interlock.leads import lifecycle
from interlock.leads.models import Handoff, LifecycleTransition, Stage
from interlock.leads.services_lifecycle import lead_qualify, lifecycle_change, promote_to_mql
from interlock.sales import services as sales
from interlock.sales.models import Stage as DealStage
from tests.leads.factories import make_account, make_contact

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday
STAGES = ["", *Stage.values]


@settings(max_examples=60, deadline=None, database=None)
@given(from_stage=st.sampled_from(STAGES), to_stage=st.sampled_from(Stage.values))
def test_only_moves_in_the_table_are_allowed(from_stage: str, to_stage: str) -> None:
    expected = to_stage in lifecycle.TRANSITIONS[from_stage]
    assert lifecycle.allowed(from_stage, to_stage) is expected
    assert (to_stage in lifecycle.next_stages(from_stage)) is expected


@pytest.mark.django_db
def test_every_disallowed_move_is_refused_and_nothing_is_written(people: Any) -> None:
    contact = make_contact()
    for from_stage in STAGES:
        for to_stage in Stage.values:
            if lifecycle.allowed(from_stage, to_stage):
                continue
            Contact.objects.filter(pk=contact.pk).update(lifecycle_stage=from_stage)
            contact.lifecycle_stage = from_stage
            with pytest.raises(ValidationError) as caught:
                lifecycle_change(
                    actor=people.member, contact=contact, to_stage=to_stage, reason="x"
                )
            assert "to_stage" in caught.value.message_dict, (from_stage, to_stage)
    assert not LifecycleTransition.objects.exists()
    assert not Event.objects.filter(type="lead.stage_changed").exists()


@pytest.mark.django_db
def test_unknown_stage_and_missing_reason_are_refused(people: Any) -> None:
    contact = make_contact("lead")
    with pytest.raises(ValidationError, match="not a lifecycle stage"):
        lifecycle_change(actor=people.member, contact=contact, to_stage="hot")
    with pytest.raises(ValidationError, match="reason is required"):
        lifecycle_change(actor=people.member, contact=contact, to_stage="disqualified", reason=" ")
    with pytest.raises(PermissionDenied):
        lifecycle_change(actor=people.readonly, contact=contact, to_stage="mql")
    contact.refresh_from_db()
    assert contact.lifecycle_stage == "lead"


@pytest.mark.django_db
def test_a_move_is_stored_with_time_in_stage_and_recorded(people: Any) -> None:
    account = make_account(size="50-249")
    contact = make_contact(owner=people.member, account=account)
    first = lifecycle_change(actor=None, contact=contact, to_stage="lead", rule="capture", at=T0)
    second = lifecycle_change(
        actor=people.marketer,
        contact=contact,
        to_stage="recycled",
        reason="Budget erst 2027",
        at=T0 + timedelta(days=3),
    )
    assert first.seconds_in_previous is None and first.rule == "capture" and first.actor is None
    assert second.from_stage == "lead" and second.to_stage == "recycled"
    assert second.seconds_in_previous == 3 * 86400
    assert second.actor == people.marketer and second.rule == ""
    assert second.owner == people.member and second.segment == "50-249"
    contact.refresh_from_db()
    assert contact.lifecycle_stage == "recycled"
    assert contact.lead.stage_changed_at == T0 + timedelta(days=3)
    event = Event.objects.filter(type="lead.stage_changed").latest("id")
    assert event.payload["from"] == "lead" and event.payload["to"] == "recycled"
    assert event.payload["reason"] == "Budget erst 2027"
    assert event.payload["contact_id"] == contact.pk
    assert event.payload["account_id"] == contact.account_id


@pytest.mark.django_db
def test_sql_needs_the_qualification(people: Any) -> None:
    contact = make_contact("sal")
    with pytest.raises(ValidationError, match="missing: budget, authority, need, timing"):
        lifecycle_change(actor=people.member, contact=contact, to_stage="sql")
    lead_qualify(
        actor=people.member,
        contact=contact,
        budget="50 T€",
        authority="GF",
        need="Anlage",
        timing="",
    )
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "sal"  # incomplete: stays
    lead_qualify(
        actor=people.member,
        contact=contact,
        budget="50 T€",
        authority="GF",
        need="Anlage",
        timing="Q3",
    )
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "sql"


@pytest.mark.django_db
def test_promote_to_mql_hands_over_once(people: Any) -> None:
    contact = make_contact("lead")
    handoff = promote_to_mql(contact=contact, at=T0)
    assert handoff is not None and handoff.team == people.sales
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "mql"
    assert promote_to_mql(contact=contact) is None  # an MQL does not become MQL again
    assert Handoff.objects.filter(contact=contact).count() == 1
    moved = LifecycleTransition.objects.get(contact=contact)
    assert moved.rule == "mql-rule"


def _deliver() -> None:
    events.deliver()


@pytest.mark.django_db
def test_deal_events_move_the_contact_once(people: Any) -> None:
    pipeline = sales.pipeline_create(
        actor=people.admin,
        name="Sales",
        is_default=True,
        stages=[
            sales.StageSpec("Offer", 50),
            sales.StageSpec("Won", 100, DealStage.Kind.WON),
            sales.StageSpec("Lost", 0, DealStage.Kind.LOST),
        ],
    )
    account = make_account()
    contact = make_contact("sql", account=account)
    deal = sales.deal_create(
        actor=people.member,
        title="Anlage",
        account=account,
        contact=contact,
        pipeline=pipeline,
        at=T0,
    )
    _deliver()
    contact.refresh_from_db()
    assert contact.lifecycle_stage == "opportunity"
    moved = LifecycleTransition.objects.get(contact=contact)
    assert moved.rule == "deal.created" and moved.at == T0
    # Delivered again (a replay): nothing changes twice.
    from interlock.leads.subscribers_handoff import on_deal_created, on_deal_won

    on_deal_created(Event.objects.get(type="deal.created"))
    assert LifecycleTransition.objects.filter(contact=contact).count() == 1

    sales.deal_win(actor=people.member, deal=deal)
    _deliver()
    on_deal_won(Event.objects.get(type="deal.won"))
    contact.refresh_from_db()
    assert contact.lifecycle_stage == "customer"
    assert LifecycleTransition.objects.filter(contact=contact).count() == 2


@pytest.mark.django_db
def test_a_won_deal_makes_a_late_attached_lead_a_customer_through_opportunity(
    people: Any,
) -> None:
    from interlock.leads.subscribers_handoff import on_deal_won

    contact = make_contact("lead")
    event = Event(type="deal.won", payload={"contact_id": contact.pk}, occurred_at=T0)
    on_deal_won(event)
    path = list(
        LifecycleTransition.objects.filter(contact=contact)
        .order_by("at", "id")
        .values_list("to_stage", flat=True)
    )
    assert path == ["opportunity", "customer"]

"""New contacts the MQL rule promotes in the worker's batch: the same rows as one by one."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from interlock.campaigns.models import Campaign
from interlock.core.models import AuditEntry, Event
from interlock.customers.models import Account, Contact
from interlock.leads import services_routing
from interlock.leads.capture_batch import drain
from interlock.leads.models import (
    Assignment,
    Capture,
    FitRule,
    Handoff,
    LeadProfile,
    LifecycleTransition,
    RoutingRule,
)
from interlock.leads.services_capture import CaptureData, capture_accept, lead_capture
from interlock.leads.services_scoring import scoring_settings_update
from interlock.org.models import Absence, Membership
from tests.conftest import make_user

AT = timezone.now().replace(microsecond=0) - timedelta(hours=1)


def _setup(people: Any) -> Campaign:
    FitRule.objects.create(
        name="Einkauf", field="title", operator="contains", value="purchasing", points=40
    )
    scoring_settings_update(actor=people.admin, mql_min_grade="C", mql_min_engagement=0)
    return Campaign.objects.create(
        name="Messe", type="trade_fair", starts_on=date(2026, 3, 1), utm_campaign="messe"
    )


def _data(prefix: str, i: int, campaign: Campaign | None) -> CaptureData:
    return CaptureData(
        email=f"{prefix}{i}@firma{i}.example",
        first_name=f"Vorname{i}" if i % 3 else "",
        last_name=f"Nachname{i}" if i % 4 else "",
        company=f"Firma {i}",
        domain=f"{prefix}firma{i}.example",
        title="Head of Purchasing" if i % 2 else "Assistenz",
        country="AT" if i % 3 == 1 else "DE",
        campaign=campaign,
        utm={"utm_campaign": "messe"},
    )


def _picture(contact: Contact, prefix: str) -> dict[str, Any]:
    """What the promotion wrote for one contact; ids, users and the prefix taken out."""

    def plain(value: Any) -> Any:
        return json.loads(json.dumps(value, default=str).replace(prefix, "X"))

    def no_ids(payload: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in payload.items() if not k.endswith("_id") and k != "user"}

    moves = LifecycleTransition.objects.filter(contact=contact).order_by("at", "id")
    assignment = Assignment.objects.get(contact=contact)
    handoff = Handoff.objects.get(contact=contact)
    events = Event.objects.filter(payload__contact_id=contact.pk).order_by("id")
    late = [e for e in events if e.type in ("lead.routed", "lead.handed_off")]
    mql = [e for e in events if e.type == "lead.stage_changed" and e.payload["to"] == "mql"]
    audit = AuditEntry.objects.get(object_id=handoff.pk, content_type__model="handoff")
    return plain(
        {
            "stage": contact.lifecycle_stage,
            "moves": [
                [
                    (m.from_stage, m.to_stage, m.rule, m.reason, m.seconds_in_previous, m.source),
                    (m.segment, m.campaign_id is not None, m.actor_id, m.owner_id),
                ]
                for m in moves
            ],
            "assignment": [
                assignment.rule_name,
                assignment.team_id,
                assignment.at,
                assignment.rule_id is not None,
                (assignment.user_id is None, assignment.intended_user_id is None),
            ],
            "routed_team": LeadProfile.objects.get(contact=contact).routed_team_id,
            "handoff": [
                handoff.team_id,
                handoff.status,
                handoff.handed_at,
                handoff.due_at,
                handoff.source,
                handoff.campaign_id is not None,
                handoff.assignment_id == assignment.pk,
                handoff.assignee_id == assignment.user_id,
            ],
            "events": [e.type for e in late],
            "payloads": [no_ids(e.payload) for e in mql + late],
            "actors": sorted({(e.actor_id, e.source) for e in events}),
            "audit": [
                audit.actor_id,
                {
                    k: v
                    for k, v in audit.changes.items()
                    if k not in ("id", "assignment", "contact")
                },
            ],
        }
    )


def test_promotion_in_a_batch_writes_what_one_by_one_writes(people: Any) -> None:
    campaign = _setup(people)
    _rule = services_routing.routing_rule_create(
        actor=people.admin, name="Alle", team=people.sales, method="queue"
    )
    for i in range(6):
        lead_capture(actor=people.member, data=_data("single", i, campaign), channel="api", at=AT)
    for i in range(6):
        capture_accept(actor=people.member, data=_data("batch", i, campaign), channel="api", at=AT)
    assert drain() == 6
    hot = 0
    for i in range(6):
        single = Contact.objects.get(email=f"single{i}@firma{i}.example")
        batch = Contact.objects.get(email=f"batch{i}@firma{i}.example")
        if single.lifecycle_stage != "mql":
            assert batch.lifecycle_stage == single.lifecycle_stage
            assert not Handoff.objects.filter(contact=batch).exists()
            continue
        hot += 1
        assert _picture(single, "single") == _picture(batch, "batch"), i
    assert hot == 3
    assert RoutingRule.objects.get(pk=_rule.pk).last_user_id is None


def test_round_robin_and_capacity_carry_on_within_a_batch(people: Any) -> None:
    campaign = _setup(people)
    reps = [make_user(f"rep{i}") for i in range(3)]
    for rep in reps:
        Membership.objects.create(user=rep, team=people.sales)
    rule = services_routing.routing_rule_create(
        actor=people.admin, name="Rund", team=people.sales, members=reps, capacity=2
    )
    RoutingRule.objects.filter(pk=rule.pk).update(last_user_id=reps[0].pk)
    for i in range(16):  # every odd one is hot: 8 handoffs for 3 reps with room for 2 each
        capture_accept(actor=None, data=_data("rr", i, campaign), channel="form", at=AT)
    assert drain() == 16
    handoffs = list(Handoff.objects.order_by("id").select_related("assignment"))
    assert len(handoffs) == 8
    order = [h.assignee_id for h in handoffs]
    r0, r1, r2 = (r.pk for r in reps)
    assert order == [r1, r2, r0, r1, r2, r0, None, None]
    full = handoffs[-1].assignment.explanation
    assert "capacity" in full
    assert RoutingRule.objects.get(pk=rule.pk).last_user_id == r0
    # The next lead, one by one, sees what the batch wrote: still full.
    lead_capture(actor=None, data=_data("later", 1, campaign), channel="form", at=AT)
    assert Handoff.objects.order_by("-id").first().assignee_id is None  # type: ignore[union-attr]


def test_an_absent_rep_hands_over_to_the_deputy_and_owner_rules_apply(people: Any) -> None:
    campaign = _setup(people)
    away = make_user("away")
    Membership.objects.create(user=away, team=people.sales)
    Absence.objects.create(
        user=away,
        deputy=people.lead,
        starts_at=AT - timedelta(days=1),
        ends_at=AT + timedelta(days=1),
    )
    owner = make_user("owner")
    Account.objects.create(name="Gross", domain="ownfirma1.example", size="1000+", owner=owner)
    services_routing.routing_rule_create(
        actor=people.admin,
        name="Konzerne",
        team=people.sales,
        method="account_owner",
        conditions={"sizes": ["1000+"]},
    )
    services_routing.routing_rule_create(
        actor=people.admin, name="Vertretung", team=people.sales, members=[away]
    )
    capture_accept(actor=None, data=_data("own", 1, campaign), channel="form", at=AT)
    capture_accept(actor=None, data=_data("dep", 3, campaign), channel="form", at=AT)
    assert drain() == 2
    owned = Assignment.objects.get(contact__email="own1@firma1.example")
    assert (owned.rule_name, owned.user, owned.intended_user) == ("Konzerne", owner, owner)
    deputy = Assignment.objects.get(contact__email="dep3@firma3.example")
    assert (deputy.intended_user, deputy.user) == (away, people.lead)
    assert "deputy" in deputy.explanation
    assert Handoff.objects.get(contact__email="dep3@firma3.example").assignee == people.lead


def test_a_failing_promotion_loses_nothing(people: Any, monkeypatch: Any) -> None:
    campaign = _setup(people)

    def broken(cursor: Any, items: Any) -> Any:
        raise RuntimeError("simulated bug in the set-based promotion")

    monkeypatch.setattr("interlock.leads.capture_batch.promote", broken)
    for i in range(4):
        capture_accept(actor=None, data=_data("kaputt", i, campaign), channel="form", at=AT)
    assert drain() == 4
    # One by one instead: every lead is there, the hot ones handed off.
    assert Contact.objects.filter(email__startswith="kaputt").count() == 4
    assert Handoff.objects.count() == 2
    assert set(Capture.objects.values_list("status", flat=True)) == {"done"}

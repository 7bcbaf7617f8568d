"""The demo's campaigns and lead flow: a small seed (the company, customers, deals, campaigns, leads)."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from interlock.core import demo

pytestmark = pytest.mark.django_db

SEEDERS = ("org", "customers", "sales", "campaigns", "leads")


def _seed(percent: int) -> demo.DemoContext:
    """Only the seeders the lead flow builds on, as ``demo.seed`` runs them."""
    from interlock.core import events
    from interlock.core.models import Event

    now = timezone.now()
    ctx = demo.DemoContext(
        seed=demo.DEFAULT_SEED,
        scale=0,
        rng=random.Random(demo.DEFAULT_SEED),
        today=timezone.localdate(now),
        now=now,
        log=lambda _m: None,
        percent=percent,
    )
    last = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with events.enqueue_held():
        for name, seeder in demo.seeders():
            if name in SEEDERS:
                ctx.rng = random.Random(f"{ctx.seed}:{name}")
                seeder(ctx)
        demo.deliver_seeded(after_event_id=last)
    return ctx


def test_registered_in_order() -> None:
    order = [name for name, _seeder in demo.seeders()]
    assert order.index("sales") < order.index("campaigns") < order.index("leads")
    assert order.index("customers") < order.index("campaigns")


def test_small_demo_has_a_realistic_funnel() -> None:
    from interlock.campaigns.models import Campaign, CampaignCost, CampaignResponse
    from interlock.leads.models import (
        FitRule,
        Handoff,
        LeadProfile,
        LifecycleTransition,
        RoutingRule,
        Stage,
    )

    ctx = _seed(10)
    now = ctx.now
    t: Any = ctx.shared["leads.tally"]

    # Campaigns: fairs, webinars, mailings with costs, UTM tags and dated responses.
    campaigns = list(Campaign.objects.all())
    assert 15 <= len(campaigns) <= 25
    assert {"trade_fair", "webinar", "email", "paid_ads", "direct_mail"} <= {
        c.type for c in campaigns
    }
    assert any(c.name.startswith("SPS Nürnberg") for c in campaigns)
    assert all(c.utm_campaign and c.budget > 0 for c in campaigns)
    assert CampaignCost.objects.count() >= len(campaigns)
    assert {c.status for c in campaigns} >= {"completed", "planned"}
    responses = CampaignResponse.objects.select_related("campaign")
    assert responses.count() > 50
    assert all(r.occurred_at < now for r in responses)

    # Scoring and routing are configured.
    assert FitRule.objects.count() >= 10
    assert RoutingRule.objects.filter(team__slug="sales-munich").exists()

    # Every stage of the funnel is reached, history in time order per contact.
    reached = set(LifecycleTransition.objects.values_list("to_stage", flat=True))
    assert {
        Stage.LEAD,
        Stage.MQL,
        Stage.SAL,
        Stage.SQL,
        Stage.OPPORTUNITY,
        Stage.CUSTOMER,
    } <= reached
    assert Stage.RECYCLED in reached or Stage.DISQUALIFIED in reached
    last: dict[int, Any] = {}
    for contact_id, at in LifecycleTransition.objects.order_by("id").values_list(
        "contact_id", "at"
    ):
        assert at <= now
        assert last.get(contact_id, at) <= at, f"contact {contact_id} moved back in time"
        last[contact_id] = at
    assert LeadProfile.objects.exclude(source="").count() >= t.leads * 0.9
    assert LeadProfile.objects.exclude(source_campaign=None).exists()

    # Handoffs: most accepted, rejections carry reasons, some disputed and settled.
    handoffs = Handoff.objects.all()
    answered = handoffs.exclude(status="open")
    accepted = answered.filter(status="accepted").count()
    rejected = answered.filter(status="rejected")
    assert 0.5 <= accepted / answered.count() <= 0.9
    assert rejected.exists() and not rejected.filter(reason=None).exists()
    assert len(Counter(rejected.values_list("reason__code", flat=True))) >= 3
    assert {"overturned", "upheld"} <= set(handoffs.values_list("dispute", flat=True))
    for h in answered:
        assert h.responded_at is not None and h.response_seconds is not None
        assert h.handed_at <= h.responded_at < now
    quick = answered.filter(response_seconds__lte=4 * 3600).count()
    assert quick / answered.count() >= 0.5  # a few business hours mostly
    # Leads of the same routing team: Bavaria goes to Munich.
    munich = handoffs.filter(contact__account__state="BY")
    assert all(h.team.slug == "sales-munich" for h in munich)
    # Conversion: MQL → SAL → SQL → opportunity → customer narrows down.
    assert t.leads > t.mql > t.accepted > t.sql >= t.deals > t.won >= 0 and t.deals > 0

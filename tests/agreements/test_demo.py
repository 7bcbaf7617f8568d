"""The demo's team agreements: a small seed of the whole company, measured for a year."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.utils import timezone

from interlock.agreements.demo import seed_agreements
from interlock.agreements.models import (
    Agreement,
    AgreementVersion,
    BreachDispute,
    Obligation,
    Signature,
    WorkRequest,
)
from interlock.core import demo
from interlock.core.models import EventDelivery
from interlock.notify.models import Notification, Preference

pytestmark = pytest.mark.django_db

PERCENT = 5


def _context(actor: Any = None, shared: dict[str, Any] | None = None) -> demo.DemoContext:
    now = timezone.now()
    return demo.DemoContext(
        seed=demo.DEFAULT_SEED,
        scale=0,
        rng=random.Random(demo.DEFAULT_SEED),
        today=timezone.localdate(now),
        now=now,
        actor=actor,
        shared=shared or {},
        log=lambda _m: None,
        percent=PERCENT,
    )


def test_runs_after_the_history_it_measures() -> None:
    order = [name for name, _seeder in demo.seeders()]
    for before in ("org", "customers", "sales", "feedback", "campaigns", "leads"):
        assert order.index(before) < order.index("agreements")


def test_small_demo_has_a_year_of_agreements_breaches_and_disputes() -> None:
    from interlock.agreements import selectors_scorecards as scorecards

    lines: list[str] = []
    ctx = demo.seed(percent=PERCENT, log=lines.append)

    agreements = {a.template: a for a in Agreement.objects.all()}
    assert set(agreements) == {
        "mql_handoff",
        "rejection_feedback",
        "won_deal_handover",
        "complaint_response",
    }
    year_ago = ctx.now - timezone.timedelta(days=360)
    for agreement in agreements.values():
        active = agreement.versions.get(status=AgreementVersion.Status.ACTIVE)
        first = agreement.versions.get(number=1)
        assert first.in_force_from() is not None and first.in_force_from() < year_ago
        assert set(active.signatures.values_list("side", flat=True)) == set(Signature.Side.values)
        assert agreement.provider_team_id != agreement.receiver_team_id
    mql = agreements["mql_handoff"]
    v1, v2 = mql.versions.order_by("number")
    assert v1.status == AgreementVersion.Status.SUPERSEDED and v2.number == 2
    assert v1.ended_at == v2.in_force_from()
    assert timezone.timedelta(days=60) < ctx.now - v2.activated_at < timezone.timedelta(days=150)
    teams = {
        a.template: (a.provider_team.function, a.receiver_team.function)
        for a in agreements.values()
    }
    assert teams["mql_handoff"] == ("marketing", "sales")
    assert teams["won_deal_handover"] == ("sales", "customer_success")

    obligations = Obligation.objects.all()
    assert obligations.filter(agreement=mql).exists()
    kinds = set(obligations.values_list("term__deliverable", flat=True))
    assert {"lead.handoff", "deal.handover", "lead.rejection_feedback", "request"} <= kinds
    assert obligations.filter(breached_at__isnull=False).count() >= 3
    assert obligations.filter(status=Obligation.Status.FULFILLED).exists()
    # Measured under the version in force when each lead was handed over.
    assert obligations.filter(version=v1).exists()
    assert not obligations.filter(version=v1, opened_at__gte=v2.in_force_from()).exists()

    disputes = BreachDispute.objects.all()
    assert disputes.filter(status=BreachDispute.Status.OPEN).exists()
    assert disputes.exclude(status=BreachDispute.Status.OPEN).exists()
    # Raised by the receiving side of each agreement (which agreements had
    # breaches old enough to dispute depends on the day the demo is seeded).
    for dispute in disputes.select_related("agreement", "raised_by"):
        assert dispute.raised_by.memberships.filter(team=dispute.agreement.receiver_team).exists()
    assert WorkRequest.objects.filter(status=WorkRequest.Status.DELIVERED).exists()

    # The engine saw everything; e-mail goes out as digests, not one per escalation.
    assert not EventDelivery.objects.filter(
        subscriber="agreements.engine", status=EventDelivery.Status.PENDING
    ).exists()
    assert not Preference.objects.exclude(email=Preference.Email.DIGEST).exists()
    assert Notification.objects.filter(topic="agreement.breach").exists()
    assert any(line.startswith("Agreements: 4 agreements (5 versions)") for line in lines)

    card = scorecards.scorecard(mql, today=ctx.today)
    time_term = next(t for t in card.terms if t.term.type == "time")
    assert len(time_term.trend) == 12
    assert sum(f.deliverables for f in time_term.trend) > 0
    quantity = next(t for t in card.terms if t.term.type == "quantity")
    assert len(quantity.results) == 12

    before = (Agreement.objects.count(), Obligation.objects.count(), disputes.count())
    seed_agreements(_context(actor=ctx.actor, shared=ctx.shared))  # a second run adds nothing
    assert (Agreement.objects.count(), Obligation.objects.count(), disputes.count()) == before


def test_without_a_customer_success_team_it_says_so_and_seeds_nothing(people: Any) -> None:
    lines: list[str] = []
    ctx = _context(actor=people.admin, shared={"org.teams": {"s": people.sales}})
    ctx.log = lines.append

    seed_agreements(ctx)

    assert not Agreement.objects.exists()
    assert lines and "skipped" in lines[0]

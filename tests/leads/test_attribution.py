"""Attribution of MQLs, SQLs, pipeline and won revenue to campaigns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from interlock.campaigns import figures, services
from interlock.customers.models import Account
from interlock.leads.attribution import attribute, credit, split
from interlock.leads.models import LifecycleTransition
from interlock.sales import services as sales
from tests.campaigns.builders import campaign, contact

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(whole=money, n=st.integers(min_value=1, max_value=400))
def test_linear_shares_sum_to_the_whole(whole: Decimal, n: int) -> None:
    shares = split(whole, n)
    assert sum(shares) == whole
    assert len(shares) == n
    assert all(s >= 0 for s in shares)
    assert max(shares) - min(shares) <= Decimal("0.01") * n  # remainder only on the last


@given(whole=money, campaign_id=st.integers(min_value=1, max_value=10**6))
def test_models_agree_on_a_single_touch(whole: Decimal, campaign_id: int) -> None:
    expected = [(campaign_id, whole)]
    assert credit([campaign_id], whole, "first") == expected
    assert credit([campaign_id], whole, "last") == expected
    assert credit([campaign_id], whole, "linear") == expected


@given(
    touches=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=30), whole=money
)
def test_every_model_credits_the_whole(touches: list[int], whole: Decimal) -> None:
    for model in figures.MODELS:
        assert sum(share for _c, share in credit(touches, whole, model)) == whole


def _touch(actor: Any, c: Any, person: Any, days: int) -> None:
    services.campaign_response_record(
        actor=actor, campaign=c, contact=person, kind="clicked", at=T0 + timedelta(days=days)
    )


def _move(person: Any, stage: str, days: int) -> None:
    LifecycleTransition.objects.create(
        contact=person, to_stage=stage, at=T0 + timedelta(days=days), rule="test"
    )


def test_attribution_by_model_with_costs_and_roi(people: Any) -> None:
    actor = people.marketer
    sales.pipeline_create(
        actor=people.admin,
        name="Sales",
        is_default=True,
        stages=[
            sales.StageSpec("Lead", 10),
            sales.StageSpec("Won", 100, "won"),
            sales.StageSpec("Lost", 0, "lost"),
        ],
    )
    fair = campaign(actor, "Messe", budget=Decimal("1000"))
    mail = campaign(actor, "Mailing", type="email", budget=Decimal("0"))
    services.campaign_cost_add(
        actor=actor,
        campaign=fair,
        description="Stand",
        amount=Decimal("2000"),
        incurred_on=date(2026, 1, 1),
    )
    account = Account.objects.create(name="Kessler GmbH")
    anna, ben = contact("Anna", account=account), contact("Ben", account=account)
    _touch(actor, fair, anna, 0)
    _touch(actor, mail, anna, 2)
    _touch(actor, mail, anna, 30)  # after every conversion: never credited
    _move(anna, "mql", 3)
    _move(anna, "sql", 4)
    # A deal with a contact counts that contact's touches; one without, the account's.
    sales.deal_create(
        actor=people.member,
        title="A",
        account=account,
        contact=anna,
        amount=Decimal("9000"),
        at=T0 + timedelta(days=5),
    )
    won = sales.deal_create(
        actor=people.member,
        title="B",
        account=account,
        amount=Decimal("1000.01"),
        at=T0 + timedelta(days=6),
    )
    _touch(actor, fair, ben, 1)
    from interlock.sales.models import Deal

    Deal.all_objects.filter(pk=won.pk).update(won_at=T0 + timedelta(days=7))
    sales.deal_create(
        actor=people.member,
        title="USD",
        account=account,
        contact=anna,
        amount=Decimal("5"),
        currency="USD",
        at=T0 + timedelta(days=5),
    )

    result = attribute()
    assert result.deals_left_out == 1
    f, m = result.figures[fair.pk], result.figures[mail.pk]
    assert f.cost == Decimal("2000") and m.cost == Decimal("0")
    assert f.models["first"].mqls == 1 and m.models["first"].mqls == 0
    assert m.models["last"].mqls == 1 and m.models["last"].sqls == 1
    assert f.models["linear"].mqls == Decimal("0.5") == m.models["linear"].mqls
    assert f.models["first"].pipeline == Decimal("10000.01")
    # Account-level deal B: touches of Anna (fair, mail) and Ben (fair) before day 6.
    assert f.models["linear"].won + m.models["linear"].won == Decimal("1000.01")
    assert m.models["linear"].won == Decimal("333.35")  # the last touch takes the remainder
    assert f.models["linear"].won == Decimal("666.66")
    assert f.models["first"].cost_per_mql == Decimal("2000.00")
    assert f.models["first"].roi == Decimal("-0.5000")
    assert m.models["first"].roi is None  # no cost, no ROI

    # One campaign's page reads only the people it touched; the period filters conversions.
    only = attribute([mail.pk], since=date(2026, 1, 9))
    assert list(only.figures) == [mail.pk]
    assert only.figures[mail.pk].models["last"].mqls == 0
    assert figures.attribution([fair.pk]) is not None


def test_attribution_query_count_does_not_grow_with_contacts(
    people: Any, django_assert_max_num_queries: Any
) -> None:
    actor = people.marketer
    c = campaign(actor)
    for i in range(30):
        person = contact(f"P{i}")
        _touch(actor, c, person, i)
        _move(person, "mql", i + 1)
    with django_assert_max_num_queries(10):
        result = attribute()
    assert result.figures[c.pk].models["linear"].mqls == 30

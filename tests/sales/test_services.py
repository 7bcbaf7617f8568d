"""Sales services: deals through the pipeline, quotes with free goods, permissions."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interlock.core.models import Event
from interlock.customers.models import Account, TimelineEntry
from interlock.customers.timeline import project
from interlock.sales import selectors, services
from interlock.sales.models import Deal, DealStageChange, Quote, Stage
from tests.sales.conftest import SalesWorld, make_deal


def test_deal_starts_in_first_open_stage_and_records_event(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    assert deal.stage == world.stages["Lead"]
    assert deal.owner == people.member
    event = Event.objects.get(type="deal.created")
    assert event.payload["account_id"] == world.account.pk
    assert event.payload["contact_id"] == world.contact.pk


@pytest.mark.parametrize("who", ["readonly", "inactive"])
def test_readonly_cannot_write_deals(world: SalesWorld, people: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        make_deal(world, people.get(who))
    assert not Deal.objects.exists()


def test_member_cannot_configure(world: SalesWorld, people: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.product_create(actor=people.member, sku="X", name="X")
    with pytest.raises(PermissionDenied):
        services.lost_reason_create(actor=people.lead, name="X")


def test_move_records_history_and_event(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    services.deal_move_stage(actor=people.lead, deal=deal, stage=world.stages["Offer"])
    deal.refresh_from_db()
    assert deal.stage == world.stages["Offer"]
    change = DealStageChange.objects.filter(deal=deal).order_by("-id").first()
    assert change is not None
    assert (change.from_stage, change.to_stage, change.actor) == (
        world.stages["Lead"],
        world.stages["Offer"],
        people.lead,
    )
    event = Event.objects.get(type="deal.stage_changed")
    assert event.payload["from_stage"] == "Lead" and event.payload["to_stage"] == "Offer"
    project(event)
    entry = TimelineEntry.objects.get(event=event)
    assert entry.account_id == world.account.pk and entry.contact_id == world.contact.pk
    assert "Lead" in entry.title and "Offer" in entry.title


def test_stage_of_other_pipeline_refused(world: SalesWorld, people: Any) -> None:
    other = services.pipeline_create(
        actor=people.admin,
        name="Service",
        stages=[
            services.StageSpec("Open"),
            services.StageSpec("W", 100, Stage.Kind.WON),
            services.StageSpec("L", 0, Stage.Kind.LOST),
        ],
    )
    deal = make_deal(world, people.member)
    with pytest.raises(ValidationError) as caught:
        services.deal_move_stage(actor=people.member, deal=deal, stage=other.stages.first())
    assert "stage" in caught.value.message_dict


def test_win_makes_account_customer(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    services.deal_win(actor=people.member, deal=deal)
    deal.refresh_from_db()
    assert deal.stage.kind == Stage.Kind.WON and deal.won_at is not None
    assert Account.objects.get(pk=world.account.pk).lifecycle == "customer"
    assert Event.objects.filter(type="deal.won").count() == 1
    assert Event.objects.filter(type="account.became_customer").count() == 1
    # winning again changes nothing
    services.deal_win(actor=people.member, deal=deal)
    assert Event.objects.filter(type="deal.won").count() == 1


def test_drag_to_won_stage_wins(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    services.deal_move_stage(actor=people.member, deal=deal, stage=world.stages["Won"])
    assert Event.objects.filter(type="deal.won").exists()


def test_lose_needs_active_reason(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    with pytest.raises(ValidationError):
        services.deal_lose(actor=people.member, deal=deal, reason=None)
    with pytest.raises(ValidationError):
        services.deal_move_stage(actor=people.member, deal=deal, stage=world.stages["Lost"])
    services.lost_reason_set_active(actor=people.admin, reason=world.reason, active=False)
    with pytest.raises(ValidationError):
        services.deal_lose(actor=people.member, deal=deal, reason=world.reason)
    services.lost_reason_set_active(actor=people.admin, reason=world.reason, active=True)
    services.deal_lose(actor=people.member, deal=deal, reason=world.reason)
    deal.refresh_from_db()
    assert deal.lost_reason == world.reason and deal.lost_at is not None
    assert Event.objects.get(type="deal.lost").payload["reason"] == "Price"


def test_delete_moves_to_trash(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    services.deal_delete(actor=people.member, deal=deal)
    assert not Deal.objects.filter(pk=deal.pk).exists()
    assert Deal.all_objects.filter(pk=deal.pk).exists()


def test_contact_of_other_account_refused(world: SalesWorld, people: Any) -> None:
    from interlock.customers.models import Contact

    stranger = Contact.objects.create(last_name="X", account=Account.objects.create(name="B"))
    with pytest.raises(ValidationError) as caught:
        make_deal(world, people.member, contact=stranger)
    assert "contact" in caught.value.message_dict


def test_quote_numbers_are_sequential(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    q1 = services.quote_create(actor=people.member, deal=deal)
    q2 = services.quote_create(actor=people.member, deal=deal)
    year = timezone.localdate().year
    assert q1.number == f"Q-{year}-00001"
    assert q2.number == f"Q-{year}-00002"
    assert q1.price_list == world.price_list and q1.currency == "EUR"


def test_quote_free_goods_from_product_rule(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    quote = services.quote_create(actor=people.member, deal=deal, tax_rate=Decimal(19))
    services.quote_set_lines(
        actor=people.member,
        quote=quote,
        lines=[
            services.LineSpec(quantity=Decimal(25), product=world.filter),
            services.LineSpec(
                quantity=Decimal(1), product=world.machine, discount_percent=Decimal(10)
            ),
        ],
    )
    lines = selectors.quote_lines(quote)
    assert [(line.position, line.is_free_goods) for line in lines] == [
        (1, False),
        (2, True),
        (3, False),
    ]
    free = lines[1]
    assert free.quantity == 2 and free.unit_price == 0 and free.parent_line == lines[0]
    totals = selectors.quote_totals(quote)
    assert totals.subtotal == Decimal("2162.50") + Decimal("9000.00")
    assert totals.free_goods_value == Decimal("173.00")
    assert totals.percent_discount == Decimal("1000.00")
    report = selectors.discount_report(quote)
    assert report["free_goods_value"] == Decimal("173.00")
    assert report["total_discount"] == Decimal("1173.00")
    assert totals.tax == Decimal("2120.88")


def test_line_rule_overrides_product_and_price_list(world: SalesWorld, people: Any) -> None:
    services.price_set(
        actor=people.admin,
        price_list=world.price_list,
        product=world.filter,
        unit_price=Decimal("80"),
        buy_quantity=5,
        free_quantity=1,
    )
    deal = make_deal(world, people.member)
    quote = services.quote_create(actor=people.member, deal=deal)
    services.quote_set_lines(
        actor=people.member,
        quote=quote,
        lines=[services.LineSpec(quantity=Decimal(20), product=world.filter)],
    )
    assert selectors.quote_lines(quote)[1].quantity == 4  # price list: 5+1
    services.quote_set_lines(
        actor=people.member,
        quote=quote,
        lines=[
            services.LineSpec(
                quantity=Decimal(20), product=world.filter, buy_quantity=20, free_quantity=3
            )
        ],
    )
    lines = selectors.quote_lines(quote)
    assert len(lines) == 2 and lines[1].quantity == 3


def test_negative_quantity_names_the_line(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    quote = services.quote_create(actor=people.member, deal=deal)
    services.quote_set_lines(
        actor=people.member,
        quote=quote,
        lines=[services.LineSpec(quantity=Decimal(1), product=world.machine)],
    )
    with pytest.raises(ValidationError) as caught:
        services.quote_set_lines(
            actor=people.member,
            quote=quote,
            lines=[
                services.LineSpec(quantity=Decimal(1), product=world.machine),
                services.LineSpec(quantity=Decimal(-2), product=world.filter),
            ],
        )
    assert "Line 2" in str(caught.value.message_dict["lines"])
    assert len(selectors.quote_lines(quote)) == 1  # nothing half-written


def test_line_without_price_or_product(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    quote = services.quote_create(actor=people.member, deal=deal)
    with pytest.raises(ValidationError):
        services.quote_set_lines(
            actor=people.member, quote=quote, lines=[services.LineSpec(quantity=Decimal(1))]
        )
    with pytest.raises(ValidationError):
        services.quote_set_lines(
            actor=people.member,
            quote=quote,
            lines=[services.LineSpec(quantity=Decimal(1), unit_price=Decimal(5))],
        )


def test_quote_status_transitions(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    quote = services.quote_create(actor=people.member, deal=deal)
    with pytest.raises(ValidationError):
        services.quote_send(actor=people.member, quote=quote)  # no lines
    with pytest.raises(ValidationError):
        services.quote_accept(actor=people.member, quote=quote)  # draft
    services.quote_set_lines(
        actor=people.member,
        quote=quote,
        lines=[services.LineSpec(quantity=Decimal(1), product=world.machine)],
    )
    services.quote_send(actor=people.member, quote=quote)
    assert quote.status == Quote.Status.SENT and quote.sent_at is not None
    with pytest.raises(ValidationError):
        services.quote_set_lines(actor=people.member, quote=quote, lines=[])
    services.quote_accept(actor=people.member, quote=quote)
    with pytest.raises(ValidationError):
        services.quote_reject(actor=people.member, quote=quote)
    types = list(Event.objects.filter(type__startswith="quote.").values_list("type", flat=True))
    assert {"quote.created", "quote.sent", "quote.accepted"} <= set(types)


def test_board_and_win_stats(world: SalesWorld, people: Any) -> None:
    won = make_deal(world, people.member, amount=Decimal("500"))
    lost = make_deal(world, people.member, amount=Decimal("700"))
    make_deal(world, people.member, amount=Decimal("300"))
    services.deal_win(actor=people.member, deal=won)
    services.deal_lose(actor=people.member, deal=lost, reason=world.reason)
    columns = {c.stage.name: c for c in selectors.board(world.pipeline)}
    assert columns["Lead"].count == 1 and columns["Lead"].total == Decimal("300")
    assert columns["Won"].total == Decimal("500")
    now = timezone.now()
    stats = selectors.win_stats(start=now - timedelta(days=1), end=now + timedelta(days=1))
    assert (stats.won, stats.lost, stats.revenue_won) == (1, 1, Decimal("500"))
    assert stats.win_rate == Decimal("0.5")
    empty = selectors.win_stats(start=now - timedelta(days=9), end=now - timedelta(days=8))
    assert empty.win_rate is None


def test_pipeline_needs_won_and_lost(people: Any) -> None:
    with pytest.raises(ValidationError):
        services.pipeline_create(
            actor=people.admin, name="Bad", stages=[services.StageSpec("Only")]
        )


def test_product_rule_needs_both_quantities(people: Any) -> None:
    with pytest.raises(ValidationError):
        services.product_create(actor=people.admin, sku="A", name="A", buy_quantity=10)


def test_price_list_currency_validated(people: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.price_list_create(actor=people.admin, name="X", currency="EURO")
    assert "currency" in caught.value.message_dict


def test_timeline_kinds_registered() -> None:
    from interlock.customers.timeline import registered

    kinds = registered()
    for event_type in (
        "deal.created",
        "deal.stage_changed",
        "deal.won",
        "deal.lost",
        "quote.created",
        "quote.sent",
        "quote.accepted",
        "quote.rejected",
    ):
        assert event_type in kinds, event_type


def test_quote_events_on_timeline(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    services.quote_create(actor=people.member, deal=deal)
    event = Event.objects.get(type="quote.created")
    project(event)
    entry = TimelineEntry.objects.get(event=event)
    assert entry.kind == "quote" and entry.account_id == world.account.pk
    assert "Filters for Acme" in entry.title


def test_board_caps_columns(world: SalesWorld, people: Any) -> None:
    for i in range(4):
        make_deal(world, people.member, title=f"D{i}")
    column = selectors.board(world.pipeline, per_column=2)[0]
    assert column.count == 4 and len(column.deals) == 2

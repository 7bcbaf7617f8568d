"""Builders for sales tests: a pipeline, products with prices, an account, a deal."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from interlock.customers.models import Account, Contact
from interlock.sales import services
from interlock.sales.models import Deal, LostReason, Pipeline, PriceList, Product, Stage


@dataclass
class SalesWorld:
    pipeline: Pipeline
    stages: dict[str, Stage]
    reason: LostReason
    price_list: PriceList
    filter: Product  # buy 10 get 1 free on the product
    machine: Product  # no rule
    account: Account
    contact: Contact


def build_world(admin: Any) -> SalesWorld:
    pipeline = services.pipeline_create(
        actor=admin,
        name="Sales",
        is_default=True,
        stages=[
            services.StageSpec("Lead", 10),
            services.StageSpec("Offer", 50),
            services.StageSpec("Won", 100, Stage.Kind.WON),
            services.StageSpec("Lost", 0, Stage.Kind.LOST),
        ],
    )
    price_list = services.price_list_create(actor=admin, name="EUR 2026", is_default=True)
    filt = services.product_create(
        actor=admin, sku="F-10", name="Filter", buy_quantity=10, free_quantity=1
    )
    machine = services.product_create(actor=admin, sku="M-1", name="Machine")
    services.price_set(
        actor=admin, price_list=price_list, product=filt, unit_price=Decimal("86.50")
    )
    services.price_set(
        actor=admin, price_list=price_list, product=machine, unit_price=Decimal("10000.00")
    )
    account = Account.objects.create(name="Acme GmbH", domain="acme.example")
    contact = Contact.objects.create(last_name="Muster", first_name="Max", account=account)
    return SalesWorld(
        pipeline=pipeline,
        stages={s.name: s for s in pipeline.stages.all()},
        reason=services.lost_reason_create(actor=admin, name="Price"),
        price_list=price_list,
        filter=filt,
        machine=machine,
        account=account,
        contact=contact,
    )


@pytest.fixture
def world(people: Any) -> SalesWorld:
    return build_world(people.admin)


def make_deal(world: SalesWorld, actor: Any, **extra: Any) -> Deal:
    return services.deal_create(
        actor=actor,
        title=extra.pop("title", "Filters for Acme"),
        account=world.account,
        contact=extra.pop("contact", world.contact),
        amount=extra.pop("amount", Decimal("1000")),
        **extra,
    )

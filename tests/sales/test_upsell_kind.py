"""The upsell-signal deliverable: a deal opened at an existing customer, taken up by sales."""

from __future__ import annotations

from typing import Any

import pytest

from interlock.core import deliverables
from interlock.core.deliverables import UNDECIDED
from interlock.core.models import Event
from interlock.customers.models import Account
from interlock.sales import services
from interlock.sales.kinds import UPSELL
from tests.sales.conftest import SalesWorld, make_deal

pytestmark = pytest.mark.django_db


def _created(deal: Any) -> Event:
    return Event.objects.get(type="deal.created", subject_id=deal.pk)


def test_a_deal_at_a_prospect_is_no_upsell_signal(world: SalesWorld, people: Any) -> None:
    deal = make_deal(world, people.member)
    kind = deliverables.get(UPSELL)
    assert _created(deal).payload["existing_customer"] is False
    assert kind.delivery(_created(deal)) is None


def test_a_deal_at_a_customer_is_delivered_to_its_owner_and_taken_up_by_a_move(
    world: SalesWorld, people: Any
) -> None:
    Account.objects.filter(pk=world.account.pk).update(lifecycle=Account.Lifecycle.CUSTOMER)
    world.account.refresh_from_db()
    deal = make_deal(world, people.member, title="Second line for Acme")
    kind = deliverables.get(UPSELL)
    delivery = kind.delivery(_created(deal))
    assert delivery is not None
    assert delivery.key == f"deal:{deal.pk}"
    assert delivery.assignee_id == people.member.pk
    assert delivery.title == "Second line for Acme"
    assert kind.evaluate is not None
    assert kind.evaluate([delivery.key])[delivery.key]["won"] is UNDECIDED

    services.deal_move_stage(actor=people.member, deal=deal, stage=world.stages["Offer"])
    moved = Event.objects.get(type="deal.stage_changed", subject_id=deal.pk)
    assert kind.instance_key(moved) == delivery.key

    services.deal_win(actor=people.member, deal=deal)
    assert kind.evaluate([delivery.key])[delivery.key]["won"] is True

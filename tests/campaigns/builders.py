"""Small builders for campaign tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from interlock.campaigns import services
from interlock.campaigns.models import Campaign
from interlock.customers.models import Account, Contact


def campaign(actor: Any, name: str = "Hannover Messe", **fields: Any) -> Campaign:
    values: dict[str, Any] = {
        "type": "trade_fair",
        "starts_on": date(2026, 4, 20),
        "budget": Decimal("5000"),
    }
    values.update(fields)
    return services.campaign_create(actor=actor, name=name, **values)


def contact(last: str = "Kessler", email: str = "", account: Account | None = None) -> Contact:
    return Contact.objects.create(last_name=last, first_name="Jana", email=email, account=account)

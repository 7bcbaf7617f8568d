"""A small registry for the figures a campaign page shows but this app cannot compute.

Attribution (MQLs, SQLs, pipeline and won revenue per campaign) needs the
lifecycle and the deals, and lead management stands on a higher floor than
campaigns. So lead management registers a provider here
(``interlock.leads.attribution.register_attribution``) and the campaign pages
and API ask :func:`attribution` without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

MODELS = ("first", "last", "linear")
# Money figures are reported in the company currency only; deals and
# campaigns in other currencies are left out (and counted, so pages can say so).
COMPANY_CURRENCY: str = getattr(settings, "INTERLOCK_CURRENCY", "EUR")


@dataclass(frozen=True)
class ModelFigures:
    """What one attribution model credits to one campaign."""

    mqls: Decimal = Decimal("0")
    sqls: Decimal = Decimal("0")
    pipeline: Decimal = Decimal("0")
    won: Decimal = Decimal("0")
    cost_per_mql: Decimal | None = None
    cost_per_sql: Decimal | None = None
    roi: Decimal | None = None  # (won - cost) / cost; None without a cost


@dataclass(frozen=True)
class CampaignFigures:
    campaign_id: int
    currency: str
    cost: Decimal | None  # None when the campaign is not in the company currency
    models: dict[str, ModelFigures] = field(default_factory=dict)


@dataclass(frozen=True)
class Attribution:
    figures: dict[int, CampaignFigures]
    currency: str
    deals_left_out: int = 0  # deals in other currencies


Provider = Callable[[Sequence[int] | None, date | None, date | None], Attribution]

_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Use ``provider(campaign_ids, since, until)`` for attribution (the last one wins)."""
    if provider not in _providers:
        _providers.append(provider)


def available() -> bool:
    return bool(_providers)


def attribution(
    campaign_ids: Sequence[int] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Attribution | None:
    """Figures per campaign (all live ones when ``campaign_ids`` is None); None if no provider."""
    if not _providers:
        return None
    return _providers[-1](campaign_ids, since, until)

"""Attribution of MQLs, SQLs, pipeline created and revenue won to campaigns.

A *touch* is a ``CampaignResponse`` of the contact (for a deal without a
contact: of any contact of the deal's account) at or before the conversion
moment. A *conversion* is a lifecycle move to MQL or SQL, a deal created
(its amount at creation, from the ``deal.created`` event) or a deal won (its
amount). Models:

- first touch: the whole conversion to the first touch's campaign;
- last touch: the whole to the last one;
- linear: equal shares to every touch; shares are rounded down to cents and
  the rounding remainder goes to the last touch, so they sum exactly to the whole.

Everything is read with a handful of set-based queries (touches, transitions,
deals, creation events) and combined in memory; nothing is queried per contact.
Money is reported in the company currency only (see ``figures.COMPANY_CURRENCY``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone

from interlock.campaigns import figures, selectors
from interlock.campaigns.figures import Attribution, CampaignFigures, ModelFigures
from interlock.campaigns.models import Campaign, CampaignResponse
from interlock.core.models import Event
from interlock.customers.models import Contact
from interlock.leads.models import LifecycleTransition
from interlock.sales.models import Deal

CENT = Decimal("0.01")
ONE = Decimal("1")
Touches = tuple[list[datetime], list[int]]  # times (sorted) and their campaign ids


def split(whole: Decimal, parts: int, step: Decimal = CENT) -> list[Decimal]:
    """``whole`` in ``parts`` equal shares of ``step``; the remainder on the last share."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    share = (whole / parts).quantize(step, rounding=ROUND_DOWN)
    shares = [share] * parts
    shares[-1] = whole - share * (parts - 1)
    return shares


def credit(campaign_ids: Sequence[int], whole: Decimal, model: str) -> list[tuple[int, Decimal]]:
    """Who gets what of ``whole`` under ``model``; ``campaign_ids`` are the touches in time order."""
    if not campaign_ids:
        return []
    if model == "first":
        return [(campaign_ids[0], whole)]
    if model == "last":
        return [(campaign_ids[-1], whole)]
    if model == "linear":
        return list(zip(campaign_ids, split(whole, len(campaign_ids)), strict=True))
    raise ValueError(f"unknown attribution model {model!r}")


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=tz) if since else None
    end = datetime.combine(until, time.max, tzinfo=tz) if until else None
    return start, end


def _in(moment: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    if moment is None:
        return False
    return (start is None or moment >= start) and (end is None or moment <= end)


class _Ledger:
    """Running totals per campaign and model."""

    def __init__(self) -> None:
        self.sums: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)

    def add(self, touches: list[int], whole: Decimal, measure: str) -> None:
        for model in figures.MODELS:
            for campaign_id, share in credit(touches, whole, model):
                self.sums[(campaign_id, model, measure)] += share

    def get(self, campaign_id: int, model: str, measure: str) -> Decimal:
        return self.sums.get((campaign_id, model, measure), Decimal("0"))


def _before(touches: Touches | None, moment: datetime) -> list[int]:
    if touches is None:
        return []
    times, campaigns = touches
    return campaigns[: bisect_right(times, moment)]


def _per(cost: Decimal | None, count: Decimal) -> Decimal | None:
    if cost is None or count <= 0:
        return None
    return (cost / count).quantize(CENT)


def _roi(cost: Decimal | None, won: Decimal) -> Decimal | None:
    if cost is None or cost <= 0:
        return None
    return ((won - cost) / cost).quantize(Decimal("0.0001"))


def _amount(raw: object, fallback: Decimal) -> Decimal:
    try:
        return Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return fallback


def attribute(
    campaign_ids: Sequence[int] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Attribution:
    """Figures per live campaign (only ``campaign_ids`` if given) for conversions in the period."""
    currency = figures.COMPANY_CURRENCY
    start, end = _bounds(since, until)
    live = Campaign.objects.all()
    if campaign_ids is not None:
        live = live.filter(pk__in=list(campaign_ids))
    wanted = list(live.values_list("pk", flat=True))

    # Only people (and accounts) touched by the wanted campaigns can convert for them;
    # their touches by *all* campaigns still count for the shares.
    touched = CampaignResponse.objects.filter(campaign_id__in=wanted)
    touched_contacts = touched.values("contact_id")
    touched_accounts = Contact.all_objects.filter(
        pk__in=touched.values("contact_id"), account_id__isnull=False
    ).values("account_id")
    rows = (
        CampaignResponse.objects.filter(campaign__deleted_at__isnull=True)
        .filter(Q(contact_id__in=touched_contacts) | Q(contact__account_id__in=touched_accounts))
        .order_by("occurred_at", "id")
        .values_list("contact_id", "contact__account_id", "campaign_id", "occurred_at")
    )
    by_contact: dict[int, Touches] = {}
    by_account: dict[int, Touches] = {}
    for contact_id, account_id, campaign_id, occurred_at in rows.iterator(chunk_size=5000):
        for key, index in ((contact_id, by_contact), (account_id, by_account)):
            if key is None:
                continue
            times, campaigns = index.setdefault(key, ([], []))
            times.append(occurred_at)
            campaigns.append(campaign_id)

    ledger = _Ledger()
    transitions = LifecycleTransition.objects.filter(
        to_stage__in=("mql", "sql"), contact_id__in=touched_contacts
    )
    if start:
        transitions = transitions.filter(at__gte=start)
    if end:
        transitions = transitions.filter(at__lte=end)
    for contact_id, stage, at in transitions.values_list("contact_id", "to_stage", "at").iterator(
        chunk_size=5000
    ):
        ledger.add(_before(by_contact.get(contact_id), at), ONE, stage)

    deals = Deal.objects.filter(
        Q(contact_id__in=touched_contacts)
        | Q(contact__isnull=True, account_id__in=touched_accounts)
    )
    created_amounts = {
        subject_id: payload
        for subject_id, payload in Event.objects.filter(
            type="deal.created", subject_type="sales.deal", subject_id__in=deals.values("pk")
        ).values_list("subject_id", "payload")
    }
    left_out = 0
    for pk, contact_id, account_id, created_at, won_at, amount, deal_currency in deals.values_list(
        "pk", "contact_id", "account_id", "created_at", "won_at", "amount", "currency"
    ).iterator(chunk_size=5000):
        touches = by_contact.get(contact_id) if contact_id else by_account.get(account_id)
        at_creation = created_amounts.get(pk) or {}
        created_currency = at_creation.get("currency", deal_currency)
        if created_currency != currency or deal_currency != currency:
            left_out += 1
        if _in(created_at, start, end) and created_currency == currency:
            whole = _amount(at_creation.get("amount"), amount)
            ledger.add(_before(touches, created_at), whole, "pipeline")
        if won_at is not None and _in(won_at, start, end) and deal_currency == currency:
            ledger.add(_before(touches, won_at), amount, "won")

    costs = selectors.campaign_costs(wanted)
    result: dict[int, CampaignFigures] = {}
    for pk in wanted:
        amount_spent, cost_currency = costs.get(pk, (Decimal("0"), currency))
        cost = amount_spent if cost_currency == currency else None
        per_model = {}
        for model in figures.MODELS:
            mqls = ledger.get(pk, model, "mql")
            sqls = ledger.get(pk, model, "sql")
            won = ledger.get(pk, model, "won")
            per_model[model] = ModelFigures(
                mqls=mqls,
                sqls=sqls,
                pipeline=ledger.get(pk, model, "pipeline"),
                won=won,
                cost_per_mql=_per(cost, mqls),
                cost_per_sql=_per(cost, sqls),
                roi=_roi(cost, won),
            )
        result[pk] = CampaignFigures(campaign_id=pk, currency=currency, cost=cost, models=per_model)
    return Attribution(figures=result, currency=currency, deals_left_out=left_out)


def register_attribution() -> None:
    """Let the campaign pages and API show attribution (called from leads' registrations)."""
    figures.register(attribute)

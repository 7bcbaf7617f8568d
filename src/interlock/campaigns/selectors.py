"""Reads for the campaign pages, the API and attribution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from interlock.campaigns.models import Campaign, CampaignCost, CampaignMember, CampaignResponse
from interlock.customers.models import Contact

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)
EMAIL = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"']+")


@dataclass(frozen=True)
class CampaignFilters:
    type: str | None = None
    status: str | None = None
    owner: int | None = None
    starts_from: date | None = None  # the campaign runs on or after this day
    starts_to: date | None = None  # ... and starts on or before this day
    q: str = ""


def _count(model: Any) -> Coalesce:
    """A count as a subquery: two Counts over two joins would multiply each other."""
    return Coalesce(
        Subquery(
            model.objects.filter(campaign=OuterRef("pk"))
            .order_by()
            .values("campaign")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        Value(0),
    )


def campaigns(filters: CampaignFilters | None = None) -> QuerySet[Campaign]:
    """Live campaigns with member, response and cost totals, soonest start first by default."""
    f = filters or CampaignFilters()
    qs = Campaign.objects.select_related("owner", "team").annotate(
        member_count=_count(CampaignMember),
        response_count=_count(CampaignResponse),
        cost_total=Coalesce(
            Subquery(
                CampaignCost.objects.filter(campaign=OuterRef("pk"))
                .order_by()
                .values("campaign")
                .annotate(s=Sum("amount"))
                .values("s")[:1],
                output_field=_MONEY,
            ),
            Value(ZERO, output_field=_MONEY),
        ),
    )
    if f.type:
        qs = qs.filter(type=f.type)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.starts_from:
        qs = qs.filter(
            Q(ends_on__gte=f.starts_from) | Q(ends_on__isnull=True, starts_on__gte=f.starts_from)
        )
    if f.starts_to:
        qs = qs.filter(starts_on__lte=f.starts_to)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q) | Q(utm_campaign__icontains=f.q))
    return qs


def campaign_detail(pk: int) -> Campaign | None:
    return campaigns().filter(pk=pk).first()


def costs(campaign: Campaign) -> QuerySet[CampaignCost]:
    return campaign.costs.select_related("created_by").order_by("incurred_on", "id")


def members(
    campaign: Campaign, *, status: str | None = None, q: str = ""
) -> QuerySet[CampaignMember]:
    qs = CampaignMember.objects.filter(campaign=campaign).select_related(
        "contact", "contact__account"
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(contact__last_name__icontains=q)
            | Q(contact__first_name__icontains=q)
            | Q(contact__email__icontains=q)
            | Q(contact__account__name__icontains=q)
        )
    return qs.order_by("contact__last_name", "contact__first_name", "id")


def member_counts(campaign: Campaign) -> dict[str, int]:
    rows = CampaignMember.objects.filter(campaign=campaign).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows.order_by()}


def responses(campaign: Campaign, limit: int = 20) -> list[CampaignResponse]:
    return list(
        CampaignResponse.objects.filter(campaign=campaign)
        .select_related("contact")
        .order_by("-occurred_at", "-id")[:limit]
    )


def contact_suggestions(campaign: Campaign, q: str, limit: int = 10) -> list[Contact]:
    """Live contacts matching ``q`` by name, e-mail or account, not yet members."""
    q = q.strip()
    if len(q) < 2:
        return []
    words = q.split()[:4]
    qs = Contact.objects.select_related("account").exclude(
        pk__in=CampaignMember.objects.filter(campaign=campaign).values("contact_id")
    )
    for word in words:
        qs = qs.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(email__icontains=word)
            | Q(account__name__icontains=word)
        )
    return list(qs.order_by("last_name", "first_name", "pk")[:limit])


def contacts_by_emails(text: str) -> tuple[list[int], list[str]]:
    """Contact ids for pasted e-mail addresses, and the addresses no contact has."""
    found = {m.group(0).strip(".").lower() for m in EMAIL.finditer(text)}
    if not found:
        return [], []
    rows = list(Contact.objects.filter(email__in=sorted(found)).values_list("pk", "email"))
    # E-mails are stored as typed: compare lower-cased, also for mixed case.
    known = {email.lower() for _pk, email in rows}
    missing = sorted(found - known)
    if missing:
        lowered = [
            (pk, email)
            for pk, email in Contact.objects.filter(
                Q(*[Q(email__iexact=e) for e in missing[:200]], _connector=Q.OR)
            ).values_list("pk", "email")
        ]
        rows += lowered
        known |= {email.lower() for _pk, email in lowered}
        missing = sorted(found - known)
    return sorted({pk for pk, _email in rows}), missing


def campaign_costs(campaign_ids: list[int] | None = None) -> dict[int, tuple[Decimal, str]]:
    """What each live campaign cost: the sum of its cost lines, or its budget when none.

    Cost lines are kept in the campaign's currency (the service sees to it).
    """
    qs = campaigns()
    if campaign_ids is not None:
        qs = qs.filter(pk__in=campaign_ids)
    result: dict[int, tuple[Decimal, str]] = {}
    with_lines = set(
        CampaignCost.objects.filter(campaign__in=qs.values("pk")).values_list(
            "campaign_id", flat=True
        )
    )
    rows = qs.values_list("pk", "budget", "cost_total", "currency")  # type: ignore[misc]
    for pk, budget, total, currency in rows:
        spent = Decimal(total) if pk in with_lines else Decimal(budget)
        result[pk] = (spent.quantize(ZERO), currency)
    return result


def live_campaign_id(*, pk: int | None = None, utm_campaign: str = "") -> int | None:
    """The id of the live campaign with this id, or the newest with this ``utm_campaign``.

    One indexed lookup in plain SQL: lead capture asks on every submission.
    """
    table = Campaign._meta.db_table
    with connection.cursor() as cursor:
        if pk is not None:
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s AND deleted_at IS NULL", [pk])  # noqa: S608
        elif utm_campaign:
            cursor.execute(
                f"SELECT id FROM {table} WHERE utm_campaign = %s AND deleted_at IS NULL "  # noqa: S608
                "ORDER BY id DESC LIMIT 1",
                [utm_campaign],
            )
        else:
            return None
        row = cursor.fetchone()
    return int(row[0]) if row else None

"""Reads for complaints and ideas: filtered lists, response times, idea rankings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from interlock.customers.models import Account
from interlock.feedback.models import Complaint, ComplaintCategory, Idea, IdeaRequest, IdeaVote

COMPLAINT_SORTS = {
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "severity": ("severity_rank", "-created_at", "-id"),
    "-severity": ("-severity_rank", "-created_at", "-id"),
    "status": ("status", "-created_at", "-id"),
}
_SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}

# Account.revenue_band as a rank, largest first counts most: the tie-breaker
# after won revenue (accounts without won deals still differ in size).
_BAND_RANK = {
    Account.RevenueBand.UNDER_2M: 1,
    Account.RevenueBand.UNDER_10M: 2,
    Account.RevenueBand.UNDER_50M: 3,
    Account.RevenueBand.UNDER_250M: 4,
    Account.RevenueBand.OVER_250M: 5,
}


def _rank(field: str, ranks: dict[Any, int]) -> Case:
    return Case(
        *[When(**{field: key}, then=Value(rank)) for key, rank in ranks.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class ComplaintFilters:
    status: str | None = None
    severity: str | None = None
    category: int | None = None
    owner: int | None = None
    account: int | None = None
    open_only: bool = False
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str = ""


def complaints(filters: ComplaintFilters | None = None) -> models.QuerySet[Complaint]:
    """Live complaints with account, contact, category and owner joined, filtered."""
    f = filters or ComplaintFilters()
    qs = Complaint.objects.select_related(
        "account", "contact", "category", "owner", "product", "deal"
    ).annotate(severity_rank=_rank("severity", _SEVERITY_RANK))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.severity:
        qs = qs.filter(severity=f.severity)
    if f.category:
        qs = qs.filter(category_id=f.category)
    if f.owner:
        qs = qs.filter(owner_id=f.owner)
    if f.account:
        qs = qs.filter(account_id=f.account)
    if f.open_only:
        qs = qs.filter(status__in=Complaint.OPEN_STATUSES)
    if f.created_from:
        qs = qs.filter(created_at__gte=f.created_from)
    if f.created_to:
        qs = qs.filter(created_at__lt=f.created_to)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(account__name__icontains=f.q))
    return qs


def complaint_list(
    filters: ComplaintFilters | None = None, sort: str = "-created"
) -> models.QuerySet[Complaint]:
    return complaints(filters).order_by(*COMPLAINT_SORTS.get(sort, COMPLAINT_SORTS["-created"]))


def complaints_for_deal(deal_id: int) -> models.QuerySet[Complaint]:
    """Live complaints linked to one deal, newest first (for the deal page)."""
    return (
        Complaint.objects.filter(deal_id=deal_id)
        .select_related("category", "product")
        .order_by("-created_at", "-id")
    )


def complaints_for_product(product_id: int) -> models.QuerySet[Complaint]:
    """Live complaints about one product, newest first."""
    return (
        Complaint.objects.filter(product_id=product_id)
        .select_related("account", "category")
        .order_by("-created_at", "-id")
    )


def response_time(complaint: Complaint) -> timedelta | None:
    """How long until the first response (None while nobody has answered)."""
    if complaint.first_response_at is None:
        return None
    return complaint.first_response_at - complaint.created_at


def resolution_time(complaint: Complaint) -> timedelta | None:
    if complaint.resolved_at is None:
        return None
    return complaint.resolved_at - complaint.created_at


def categories(*, active_only: bool = False) -> models.QuerySet[ComplaintCategory]:
    qs = ComplaintCategory.objects.order_by("name", "id")
    return qs.filter(active=True) if active_only else qs


def ideas(*, status: str | None = None, q: str = "") -> models.QuerySet[Idea]:
    """Live ideas annotated with ``vote_count``, ``request_count`` and ``revenue_rank``.

    Why subqueries and not ``Count("votes") + Count("requests")``: joining both
    one-to-many tables in one query yields votes × requests rows per idea, so
    an idea with 3 votes from 4 accounts would count 12 votes. Each count
    comes from its own correlated subquery instead (one row per idea).

    ``asked_revenue`` is the won revenue (sum of won deals' amounts) of the
    accounts that asked; ``revenue_rank`` sums their revenue-band ranks
    (1 = under €2 m … 5 = over €250 m) and breaks ties between accounts that
    have not bought yet.
    """
    from interlock.sales.models import Deal

    asked_accounts = IdeaRequest.objects.filter(idea=OuterRef(OuterRef("pk"))).values("account_id")
    won = (
        Deal.objects.filter(account_id__in=Subquery(asked_accounts), won_at__isnull=False)
        .order_by()
        .values("currency")
        .annotate(total=models.Sum("amount"))
        .values("total")[:1]
    )
    votes = (
        IdeaVote.objects.filter(idea=OuterRef("pk"))
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    asked = IdeaRequest.objects.filter(idea=OuterRef("pk"), account__deleted_at__isnull=True)
    requests = asked.order_by().values("idea").annotate(n=Count("pk")).values("n")
    revenue = (
        asked.order_by()
        .values("idea")
        .annotate(n=models.Sum(_rank("account__revenue_band", _BAND_RANK)))
        .values("n")
    )
    qs = Idea.objects.select_related("created_by").annotate(
        vote_count=Coalesce(Subquery(votes, output_field=IntegerField()), 0),
        request_count=Coalesce(Subquery(requests, output_field=IntegerField()), 0),
        revenue_rank=Coalesce(Subquery(revenue, output_field=IntegerField()), 0),
        asked_revenue=Coalesce(
            Subquery(won, output_field=models.DecimalField(max_digits=16, decimal_places=2)),
            Value(Decimal(0)),
            output_field=models.DecimalField(max_digits=16, decimal_places=2),
        ),
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


IDEA_SORTS = {
    "votes": ("-vote_count", "-id"),
    "revenue": ("-asked_revenue", "-revenue_rank", "-vote_count", "-id"),
    "new": ("-created_at", "-id"),
}


def idea_list(
    *, status: str | None = None, q: str = "", sort: str = "votes"
) -> models.QuerySet[Idea]:
    return ideas(status=status, q=q).order_by(*IDEA_SORTS.get(sort, IDEA_SORTS["votes"]))


def idea_detail(pk: int) -> Idea | None:
    return ideas().filter(pk=pk).first()


def who_asked(idea: Idea) -> models.QuerySet[IdeaRequest]:
    """The live accounts that asked for ``idea`` ("which customers want this")."""
    return (
        IdeaRequest.objects.filter(idea=idea, account__deleted_at__isnull=True)
        .select_related("account", "contact")
        .annotate(band_rank=_rank("account__revenue_band", _BAND_RANK))
        .order_by("-band_rank", F("account__name").asc(), "id")
    )


def has_voted(idea: Idea, user: Any) -> bool:
    return (
        bool(getattr(user, "pk", None)) and IdeaVote.objects.filter(idea=idea, user=user).exists()
    )


def voted_ids(user: Any, idea_ids: list[int]) -> set[int]:
    if not getattr(user, "pk", None):
        return set()
    return set(
        IdeaVote.objects.filter(user=user, idea_id__in=idea_ids).values_list("idea_id", flat=True)
    )

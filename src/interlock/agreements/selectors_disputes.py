"""Reading breach disputes, and who to tell about breaches and disputes."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from interlock.agreements.models import BreachDispute
from interlock.core.policy import Role
from interlock.org.models import Membership, User


def disputes(
    *, agreement_id: int | None = None, status: str | None = None
) -> QuerySet[BreachDispute]:
    qs = BreachDispute.objects.select_related(
        "agreement",
        "agreement__provider_team",
        "agreement__receiver_team",
        "obligation",
        "obligation__deliverable",
        "period_result",
        "raised_by",
        "provider_decided_by",
        "receiver_decided_by",
    )
    if agreement_id is not None:
        qs = qs.filter(agreement_id=agreement_id)
    if status == "settled":
        qs = qs.exclude(status=BreachDispute.Status.OPEN)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-raised_at", "-id")


def sides_led_by(user: Any, dispute: BreachDispute) -> list[str]:
    """The sides ("provider", "receiver") of the dispute's agreement ``user`` leads."""
    if user is None or not user.is_authenticated:
        return []
    agreement = dispute.agreement
    led = set(
        Membership.objects.filter(
            user_id=user.pk,
            role=Membership.Role.LEAD,
            team_id__in=[agreement.provider_team_id, agreement.receiver_team_id],
        ).values_list("team_id", flat=True)
    )
    sides = []
    if agreement.provider_team_id in led:
        sides.append("provider")
    if agreement.receiver_team_id in led:
        sides.append("receiver")
    return sides


def team_leads(team_ids: list[int | None]) -> list[User]:
    """Active team leads of the given teams (each person once)."""
    ids = [t for t in team_ids if t is not None]
    if not ids:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__team_id__in=ids,
            memberships__role=Membership.Role.LEAD,
        )
        .distinct()
        .order_by("pk")
    )


def management() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.MANAGEMENT).order_by("pk"))

"""Reads of hand-made requests: asked of my teams, asked by my teams."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from interlock.agreements.models import WorkRequest
from interlock.core import policy
from interlock.org.models import Membership


def requests() -> QuerySet[WorkRequest]:
    return WorkRequest.objects.select_related(
        "requesting_team", "provider_team", "assignee", "requested_by", "delivered_by"
    )


@dataclass(frozen=True)
class RequestBoard:
    asked_of_us: list[WorkRequest]
    asked_by_us: list[WorkRequest]
    all_teams: bool  # oversight without a team of its own sees every request


def _status_filter(qs: QuerySet[WorkRequest], status: str) -> QuerySet[WorkRequest]:
    if status == "open":
        return qs.filter(status=WorkRequest.Status.OPEN).order_by("due_at", "requested_at", "id")
    if status == "done":
        return qs.exclude(status=WorkRequest.Status.OPEN)
    return qs


def board_for(user: Any, *, status: str = "open", limit: int = 200) -> RequestBoard:
    """The requests of the user's teams (both directions); everything for oversight without teams."""
    team_ids = list(Membership.objects.filter(user=user).values_list("team_id", flat=True))
    if not team_ids and policy.is_oversight(user):
        everything = list(_status_filter(requests(), status)[:limit])
        return RequestBoard(asked_of_us=everything, asked_by_us=[], all_teams=True)
    asked_of = requests().filter(Q(provider_team_id__in=team_ids) | Q(assignee=user))
    asked_by = requests().filter(requesting_team_id__in=team_ids)
    return RequestBoard(
        asked_of_us=list(_status_filter(asked_of, status)[:limit]),
        asked_by_us=list(_status_filter(asked_by, status)[:limit]),
        all_teams=False,
    )

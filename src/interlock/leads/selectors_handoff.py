"""Reads for the lifecycle and handoff pages and API: queues, rejections, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from interlock.leads.models import Handoff, LifecycleTransition, RejectionReason
from interlock.org.models import Absence, Team


def _handoffs() -> QuerySet[Handoff]:
    return Handoff.objects.select_related(
        "contact", "contact__account", "team", "assignee", "reason", "responded_by"
    )


def covered_user_ids(user: Any, at: datetime | None = None) -> list[int]:
    """People whose deadline-bound work ``user`` does right now as their deputy."""
    from interlock.org.selectors import effective_assignee

    at = at or timezone.now()
    away = (
        Absence.objects.filter(starts_at__lte=at, ends_at__gt=at)
        .select_related("user")
        .order_by("user_id")
    )
    covered: list[int] = []
    for absence in away:
        if absence.user_id in covered or absence.user_id == user.pk:
            continue
        if effective_assignee(absence.user, at).pk == user.pk:
            covered.append(absence.user_id)
    return covered


def my_leads(user: Any, at: datetime | None = None) -> QuerySet[Handoff]:
    """Open handoffs assigned to ``user`` or to someone they cover for, due first."""
    ids = [user.pk, *covered_user_ids(user, at)]
    return (
        _handoffs().filter(status=Handoff.Status.OPEN, assignee_id__in=ids).order_by("due_at", "id")
    )


def queue_teams(user: Any) -> list[Team]:
    """The teams whose queue ``user`` sees by default: those they lead or belong to."""
    return list(
        Team.objects.filter(memberships__user=user, deleted_at__isnull=True)
        .distinct()
        .order_by("name")
    )


def team_queue(teams: list[Team]) -> QuerySet[Handoff]:
    return _handoffs().filter(status=Handoff.Status.OPEN, team__in=teams).order_by("due_at", "id")


@dataclass(frozen=True)
class RejectionFilters:
    reason: RejectionReason | None = None
    since: datetime | None = None
    until: datetime | None = None
    disputed: bool | None = None


def rejections(filters: RejectionFilters | None = None) -> QuerySet[Handoff]:
    """Every rejected handoff, newest answer first (the closed loop to marketing)."""
    f = filters or RejectionFilters()
    qs = (
        _handoffs()
        .select_related("disputed_by", "settled_by")
        .filter(status=Handoff.Status.REJECTED)
    )
    if f.reason is not None:
        qs = qs.filter(reason=f.reason)
    if f.since is not None:
        qs = qs.filter(responded_at__gte=f.since)
    if f.until is not None:
        qs = qs.filter(responded_at__lt=f.until)
    if f.disputed is True:
        qs = qs.exclude(dispute="")
    elif f.disputed is False:
        qs = qs.filter(dispute="")
    return qs.order_by("-responded_at", "-id")


def handoffs(
    *,
    status: str | None = None,
    team_id: int | None = None,
    assignee_id: int | None = None,
    disputed: bool | None = None,
) -> QuerySet[Handoff]:
    qs = _handoffs()
    if status:
        qs = qs.filter(status=status)
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    if assignee_id is not None:
        qs = qs.filter(assignee_id=assignee_id)
    if disputed is True:
        qs = qs.exclude(dispute="")
    elif disputed is False:
        qs = qs.filter(dispute="")
    return qs


def transitions(contact_id: int) -> QuerySet[LifecycleTransition]:
    return LifecycleTransition.objects.filter(contact_id=contact_id).select_related(
        "actor", "campaign"
    )


def open_handoff(contact_id: int) -> Handoff | None:
    return _handoffs().filter(contact_id=contact_id, status=Handoff.Status.OPEN).first()


def last_handoff(contact_id: int) -> Handoff | None:
    return _handoffs().filter(contact_id=contact_id).order_by("-handed_at", "-id").first()


def active_reasons() -> QuerySet[RejectionReason]:
    return RejectionReason.objects.filter(active=True).order_by("position", "name")


def overdue(handoff: Handoff, at: datetime | None = None) -> bool:
    return handoff.due_at is not None and handoff.due_at < (at or timezone.now())

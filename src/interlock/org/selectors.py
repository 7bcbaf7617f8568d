"""Reads for the organisation: teams, who is away, who covers, business time."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from interlock.org import business_time
from interlock.org.calendars import spec_for
from interlock.org.models import Absence, BusinessCalendar, Membership, Team, User


def teams_with_members() -> QuerySet[Team]:
    members = Membership.objects.select_related("user").order_by("-role", "user__last_name")
    return (
        Team.objects.annotate(member_count=Count("memberships"))
        .prefetch_related(Prefetch("memberships", queryset=members))
        .select_related("calendar")
        .order_by("name")
    )


def absences_current_and_upcoming(*, at: datetime | None = None, days: int = 60) -> QuerySet[Absence]:
    at = at or timezone.now()
    return (
        Absence.objects.filter(ends_at__gt=at, starts_at__lt=at + timedelta(days=days))
        .select_related("user", "deputy")
        .order_by("starts_at")
    )


def absence_at(user: User | int, at: datetime) -> Absence | None:
    user_id = getattr(user, "pk", user)
    return (
        Absence.objects.filter(user_id=user_id, starts_at__lte=at, ends_at__gt=at)
        .select_related("deputy")
        .order_by("starts_at")
        .first()
    )


def effective_assignee(user: User, at: datetime | None = None, *, max_hops: int = 5) -> User:
    """Who does ``user``'s deadline-bound work at ``at``: the deputy while away.

    Follows a chain of deputies (the deputy may be away too) up to
    ``max_hops``; a loop or an exhausted chain returns the last person
    reached who is not known to be away, or ``user`` itself.
    """
    at = at or timezone.now()
    seen = {user.pk}
    current = user
    for _hop in range(max_hops):
        absence = absence_at(current, at)
        if absence is None:
            return current
        deputy = absence.deputy
        if deputy.pk in seen or not deputy.is_active:
            return current if current.pk != user.pk else user
        seen.add(deputy.pk)
        current = deputy
    return current


def due_at(team: Team, *, start: datetime, hours: Decimal | float | int) -> datetime:
    """The moment ``hours`` business hours after ``start`` in ``team``'s calendar."""
    return business_time.add_business_hours(_spec(team), start=start, hours=hours)


def business_hours_between(team: Team, *, start: datetime, end: datetime) -> timedelta:
    return business_time.business_hours_between(_spec(team), start=start, end=end)


def _spec(team: Team) -> business_time.CalendarSpec:
    calendar = (
        BusinessCalendar.objects.prefetch_related("hours", "company_holidays").get(team=team)
    )
    return spec_for(calendar)


def users_search(query: str = "", *, active: bool | None = True) -> QuerySet[User]:
    qs = User.objects.all()
    if active is not None:
        qs = qs.filter(is_active=active)
    if query:
        qs = qs.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query)
            | Q(last_name__icontains=query) | Q(email__icontains=query)
        )
    return qs.order_by("last_name", "first_name", "pk")


def teams_of(user: User) -> list[Any]:
    return list(Team.objects.filter(memberships__user=user).order_by("name"))

"""Reads for the organisation: teams, who is away, who covers, business time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

import holidays
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from interlock.org import business_time
from interlock.org.calendars import spec_for
from interlock.org.models import Absence, BusinessCalendar, CompanyHoliday, Membership, Team, User


def teams_with_members() -> QuerySet[Team]:
    members = Membership.objects.select_related("user").order_by(
        "role", "user__last_name"
    )  # "lead" sorts before "member"
    return (
        Team.objects.annotate(member_count=Count("memberships"))
        .prefetch_related(Prefetch("memberships", queryset=members))
        .select_related("calendar")
        .order_by("name")
    )


def absences_current_and_upcoming(
    *, at: datetime | None = None, days: int = 60
) -> QuerySet[Absence]:
    at = at or timezone.now()
    return (
        Absence.objects.filter(ends_at__gt=at, starts_at__lt=at + timedelta(days=days))
        .select_related("user", "deputy")
        .order_by("starts_at")
    )


def absence_at(user: User | int, at: datetime) -> Absence | None:
    user_id: int = user if isinstance(user, int) else user.pk
    return (
        Absence.objects.filter(user_id=user_id, starts_at__lte=at, ends_at__gt=at)
        .select_related("deputy")
        .order_by("starts_at", "id")
        .first()
    )


class Absences:
    """``absence_at`` for many questions in one transaction: the absences read once.

    The first question reads every absence that ends after its moment (one
    query: absences that have not ended are few); a question about an
    earlier moment reads them again.
    """

    def __init__(self) -> None:
        self._since: datetime | None = None
        self._by_user: dict[int, list[Absence]] = {}

    def at(self, user: User | int, at: datetime) -> Absence | None:
        user_id: int = user if isinstance(user, int) else user.pk
        if self._since is None or at < self._since:
            self._since = at
            self._by_user = {}
            rows = Absence.objects.filter(ends_at__gt=at).select_related("deputy")
            for absence in rows.order_by("starts_at", "id"):
                self._by_user.setdefault(absence.user_id, []).append(absence)
        for absence in self._by_user.get(user_id, ()):
            if absence.starts_at <= at < absence.ends_at:
                return absence
        return None


def effective_assignee(
    user: User,
    at: datetime | None = None,
    *,
    max_hops: int = 5,
    absences: Absences | None = None,
) -> User:
    """Who does ``user``'s deadline-bound work at ``at``: the deputy while away.

    Follows a chain of deputies (the deputy may be away too) up to
    ``max_hops``; a loop or an exhausted chain returns the last person
    reached who is not known to be away, or ``user`` itself. ``absences``
    answers from what it read before (many questions in one transaction).
    """
    at = at or timezone.now()
    seen = {user.pk}
    current = user
    for _hop in range(max_hops):
        absence = absence_at(current, at) if absences is None else absences.at(current, at)
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
    return business_time.add_business_hours(calendar_spec(team), start=start, hours=hours)


def business_hours_between(team: Team, *, start: datetime, end: datetime) -> timedelta:
    return business_time.business_hours_between(calendar_spec(team), start=start, end=end)


def calendar_spec(team: Team) -> business_time.CalendarSpec:
    """The team's business calendar as the calculations take it (DoesNotExist: none)."""
    calendar = BusinessCalendar.objects.prefetch_related("hours", "company_holidays").get(team=team)
    return spec_for(calendar)


def users_search(query: str = "", *, active: bool | None = True) -> QuerySet[User]:
    qs = User.objects.all()
    if active is not None:
        qs = qs.filter(is_active=active)
    if query:
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    return qs.order_by("last_name", "first_name", "pk")


def teams_of(user: User) -> list[Any]:
    return list(Team.objects.filter(memberships__user=user).order_by("name"))


# --- reads for the web pages --------------------------------------------------


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("team").order_by("team__name")


def team_for_page(pk: int) -> Team:
    """One live team with members, leads and calendar (raises Team.DoesNotExist)."""
    members = Membership.objects.select_related("user").order_by(
        "role",
        "user__last_name",
        "user__username",  # "lead" sorts before "member"
    )
    return (
        Team.objects.select_related("calendar")
        .prefetch_related(
            Prefetch("memberships", queryset=members),
            "calendar__hours",
            "calendar__company_holidays",
        )
        .get(pk=pk)
    )


def team_member_candidates(team: Team) -> QuerySet[User]:
    """Active people who could be added to ``team``."""
    return users_search().exclude(memberships__team=team)


@dataclass(frozen=True)
class AwayRow:
    absence: Absence
    cover: User  # who does the work now: the deputy, or the deputy's deputy


def away_on(day: date, *, zone: tzinfo | None = None) -> list[AwayRow]:
    """Who is away at some time on ``day`` (local to ``zone``) and who covers for them."""
    zone = zone or timezone.get_current_timezone()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    absences = (
        Absence.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("user", "deputy")
        .order_by("starts_at")
    )
    now = timezone.now()
    at = now if start <= now < end else start
    return [
        AwayRow(absence=a, cover=effective_assignee(a.user, max(at, a.starts_at))) for a in absences
    ]


def absences_for_page(*, at: datetime | None = None, days: int = 60) -> list[AwayRow]:
    """Current and upcoming absences, each with who covers at its start (or now)."""
    at = at or timezone.now()
    rows = absences_current_and_upcoming(at=at, days=days).prefetch_related("user__teams")
    return [
        AwayRow(absence=a, cover=effective_assignee(a.user, max(at, a.starts_at))) for a in rows
    ]


def absence_subjects(actor: User) -> QuerySet[User]:
    """The people ``actor`` may record an absence for: self, the teams they lead, or all (admin)."""
    from interlock.core import policy

    people = users_search()
    if policy.is_admin(actor):
        return people
    led = Membership.objects.filter(user=actor, role=Membership.Role.LEAD).values("team_id")
    return people.filter(Q(pk=actor.pk) | Q(memberships__team_id__in=led)).distinct()


@dataclass(frozen=True)
class HolidayRow:
    day: date
    name: str
    company: CompanyHoliday | None = None  # None: a public holiday


def holidays_ahead(
    calendar: BusinessCalendar, *, start: date, days: int = 365, language: str | None = None
) -> list[HolidayRow]:
    """Public (``holidays`` package) and company holidays from ``start`` for ``days`` days.

    Public holiday names come in ``language`` where the package has it for the country.
    """
    end = start + timedelta(days=days)
    rows: list[HolidayRow] = []
    if calendar.country:
        public = holidays.country_holidays(
            calendar.country,
            subdiv=calendar.subdivision or None,
            years=range(start.year, end.year + 1),
            language=_holiday_language(calendar.country, language),
        )
        rows += [HolidayRow(day=d, name=str(n)) for d, n in public.items() if start <= d < end]
    rows += [
        HolidayRow(day=h.date, name=h.name, company=h)
        for h in calendar.company_holidays.all()
        if start <= h.date < end
    ]
    return sorted(rows, key=lambda row: (row.day, row.company is not None))


def _holiday_language(country: str, language: str | None) -> str | None:
    if not language:
        return None
    supported = getattr(holidays.country_holidays(country), "supported_languages", ()) or ()
    for candidate in (language, f"{language}_US", f"{language}_GB"):
        if candidate in supported:
            return candidate
    return None


# --- API reads ---------------------------------------------------------------


def users_for_api(
    *, query: str = "", active: bool | None = None, team: int | None = None
) -> QuerySet[User]:
    """Users with their live team memberships (one prefetch), unordered.

    The API pages through this by id, so a page is one indexed keyset query
    plus the prefetch, even with a million users.
    """
    qs = users_search(query, active=active) if query or active is not None else User.objects.all()
    if team is not None:
        qs = qs.filter(memberships__team_id=team)
    memberships = (
        Membership.objects.filter(team__deleted_at__isnull=True)
        .select_related("team")
        .only("id", "user_id", "role", "team__id", "team__name", "team__slug")
    )
    return qs.defer("password", "last_login", "date_joined").prefetch_related(
        Prefetch("memberships", queryset=memberships)
    )


def team_detail(team_id: int) -> Team | None:
    """A live team with members, calendar, working hours and company holidays."""
    return (
        teams_with_members()
        .prefetch_related("calendar__hours", "calendar__company_holidays")
        .filter(pk=team_id)
        .first()
    )


def calendar_of(team: Team) -> BusinessCalendar | None:
    return (
        BusinessCalendar.objects.prefetch_related("hours", "company_holidays")
        .filter(team=team)
        .first()
    )


def absences_for_api(
    *, user: int | None = None, deputy: int | None = None, current_at: datetime | None = None
) -> QuerySet[Absence]:
    """Live absences, optionally of one person or deputy, or covering ``current_at``."""
    qs = Absence.objects.select_related("user", "deputy")
    if user is not None:
        qs = qs.filter(user_id=user)
    if deputy is not None:
        qs = qs.filter(deputy_id=deputy)
    if current_at is not None:
        qs = qs.filter(starts_at__lte=current_at, ends_at__gt=current_at)
    return qs


USER_LIST_FIELDS = (
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "title",
    "language",
    "is_active",
    "is_superuser",
)


def users_listing(
    *, query: str = "", active: bool | None = None, team: int | None = None
) -> QuerySet[User]:
    """Users for a paged list: only the listed columns, no prefetch.

    Pair with :func:`memberships_by_user` for the page's ids; building the
    memberships from one ``values_list`` query is several times cheaper
    than a model prefetch for a 50-row page.
    """
    qs = users_search(query, active=active) if query or active is not None else User.objects.all()
    if team is not None:
        qs = qs.filter(memberships__team_id=team)
    return qs.only(*USER_LIST_FIELDS)


def memberships_by_user(user_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Live team memberships of these users: {user id: [{team, role}, ...]}."""
    result: dict[int, list[dict[str, Any]]] = {pk: [] for pk in user_ids}
    rows = (
        Membership.objects.filter(user_id__in=user_ids, team__deleted_at__isnull=True)
        .order_by("team__name", "team_id")
        .values_list("user_id", "role", "team_id", "team__name", "team__slug")
    )
    for user_id, role, team_id, name, slug in rows:
        result[user_id].append({"team": {"id": team_id, "name": name, "slug": slug}, "role": role})
    return result

"""Organisation endpoints: who am I, users, teams, calendars, absences."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId, Instant, Text
from interlock.org import selectors, services
from interlock.org.models import Absence, Team, User
from interlock.org.schemas import (
    MAX_HOURS,
    AbsenceIn,
    AbsenceOut,
    AssigneeOut,
    CalendarIn,
    CalendarOut,
    DueOut,
    HoursOut,
    MemberOut,
    MembershipIn,
    MeOut,
    TeamDetailOut,
    TeamIn,
    TeamOut,
    TeamPatch,
    UserIn,
    UserListItem,
    UserOut,
    UserPatch,
    WindowSchema,
    user_list_item,
)

router = Router(tags=["organisation"])

TeamId = Annotated[DbId, Path()]
UserId = Annotated[DbId, Path()]
UserPage = page_schema(UserListItem, "UserPage")
TeamPage = page_schema(TeamOut)
AbsencePage = page_schema(AbsenceOut)
MAX_SPAN = timedelta(days=3660)


def _team(team_id: int) -> Team:
    return get_object_or_404(Team, pk=team_id)


def _user(user_id: int) -> User:
    return get_object_or_404(User, pk=user_id)


def _user_out(user_id: int) -> User:
    user = selectors.users_for_api().filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def _week(windows: list[WindowSchema]) -> dict[int, list[Any]]:
    week: dict[int, list[Any]] = {}
    for window in sorted(windows, key=lambda w: (w.weekday, w.start)):
        week.setdefault(window.weekday, []).append((window.start, window.end))
    return week


def _business_time_error(exc: Exception) -> ValidationError:
    return ValidationError(_("Cannot compute business time: %(error)s") % {"error": exc})


# --- me and users -------------------------------------------------------------


@router.get("/me", response={200: MeOut, **PROBLEMS}, summary="Who am I")
def me(request: ApiRequest) -> Any:
    """The signed-in person, their role and teams, and how this request authenticated."""
    user = _user_out(request.auth.pk)
    token = getattr(request, "api_token", None)
    user.auth = "token" if token is not None else "session"  # type: ignore[attr-defined]
    user.scope = token.scope if token is not None else None  # type: ignore[attr-defined]
    user.may_write = policy.may_write(user) and (  # type: ignore[attr-defined]
        token is None or token.scope == "write"
    )
    return user


@router.get("/users", response={200: UserPage, **PROBLEMS}, summary="List users")
def users_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Annotated[
        Text | None, Query(max_length=100, description="Part of name, e-mail or username.")
    ] = None,
    active: Annotated[
        bool | None, Query(description="Only active (true) or inactive (false).")
    ] = None,
    team: Annotated[DbId | None, Query(description="Only members of this team.")] = None,
) -> Any:
    """Users ordered by id."""
    policy.require(request.auth, "org.view")
    qs = selectors.users_listing(query=q or "", active=active, team=team)
    page = paginate(qs, Keyset(("id",)), cursor=cursor, limit=limit)
    teams = selectors.memberships_by_user([user.pk for user in page["items"]])
    page["items"] = [user_list_item(user, teams[user.pk]) for user in page["items"]]
    return page


@router.get("/users/{user_id}", response={200: UserOut, **PROBLEMS}, summary="One user")
def users_get(request: ApiRequest, user_id: UserId) -> Any:
    policy.require(request.auth, "org.view")
    return _user_out(user_id)


@router.post("/users", response={201: UserOut, **PROBLEMS}, summary="Create a user")
def users_create(request: ApiRequest, payload: UserIn) -> Any:
    """Admins only. The new account has no password; it signs in after a reset."""
    user = services.user_create(actor=request.auth, **payload.dict())
    return Status(201, _user_out(user.pk))


@router.patch("/users/{user_id}", response={200: UserOut, **PROBLEMS}, summary="Change a user")
def users_update(request: ApiRequest, user_id: UserId, payload: UserPatch) -> Any:
    """Admins only. Send just the fields to change."""
    policy.require(request.auth, "user.manage")
    services.user_update(actor=request.auth, user=_user(user_id), **payload.changes())
    return _user_out(user_id)


@router.get(
    "/users/{user_id}/effective-assignee",
    response={200: AssigneeOut, **PROBLEMS},
    summary="Who covers for a user",
)
def users_effective_assignee(
    request: ApiRequest,
    user_id: UserId,
    at: Annotated[Instant | None, Query(description="The moment; default now.")] = None,
) -> Any:
    """The person who does `user`'s deadline-bound work at `at`: a deputy while away."""
    policy.require(request.auth, "org.view")
    user = _user(user_id)
    moment = at or timezone.now()
    assignee = selectors.effective_assignee(user, moment)
    return {"user": user, "assignee": assignee, "away": assignee.pk != user.pk, "at": moment}


# --- teams --------------------------------------------------------------------


@router.get("/teams", response={200: TeamPage, **PROBLEMS}, summary="List teams")
def teams_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Annotated[Text | None, Query(max_length=100, description="Part of the name.")] = None,
) -> Any:
    """Live teams ordered by name."""
    policy.require(request.auth, "org.view")
    qs = selectors.teams_with_members()
    if q:
        qs = qs.filter(name__icontains=q)
    return paginate(qs, Keyset(("name", "id")), cursor=cursor, limit=limit)


@router.get("/teams/{team_id}", response={200: TeamDetailOut, **PROBLEMS}, summary="One team")
def teams_get(request: ApiRequest, team_id: TeamId) -> Any:
    """A team with its members and business calendar."""
    policy.require(request.auth, "org.view")
    team = selectors.team_detail(team_id)
    if team is None:
        raise Http404
    return team


@router.post("/teams", response={201: TeamDetailOut, **PROBLEMS}, summary="Create a team")
def teams_create(request: ApiRequest, payload: TeamIn) -> Any:
    """Admins only. The team gets a business calendar (default Monday–Friday 9–17)."""
    fields = payload.dict(exclude={"week"})
    week = _week(payload.week) if payload.week is not None else None
    team = services.team_create(actor=request.auth, week=week, **fields)
    return Status(201, selectors.team_detail(team.pk))


@router.patch(
    "/teams/{team_id}", response={200: TeamDetailOut, **PROBLEMS}, summary="Change a team"
)
def teams_update(request: ApiRequest, team_id: TeamId, payload: TeamPatch) -> Any:
    policy.require(request.auth, "team.manage")
    services.team_update(actor=request.auth, team=_team(team_id), **payload.changes())
    return selectors.team_detail(team_id)


@router.delete(
    "/teams/{team_id}", response={204: None, **PROBLEMS}, summary="Move a team to the trash"
)
def teams_delete(request: ApiRequest, team_id: TeamId) -> Any:
    policy.require(request.auth, "team.manage")
    services.team_delete(actor=request.auth, team=_team(team_id))
    return Status(204, None)


@router.put(
    "/teams/{team_id}/members/{user_id}",
    response={200: MemberOut, **PROBLEMS},
    summary="Add a member or change their role",
)
def teams_member_set(
    request: ApiRequest, team_id: TeamId, user_id: UserId, payload: MembershipIn
) -> Any:
    """Admins and the team's leads."""
    team = _team(team_id)
    policy.require(request.auth, "team.members", team)
    return services.membership_set(
        actor=request.auth, team=team, user=_user(user_id), role=payload.role
    )


@router.delete(
    "/teams/{team_id}/members/{user_id}",
    response={204: None, **PROBLEMS},
    summary="Remove a member",
)
def teams_member_remove(request: ApiRequest, team_id: TeamId, user_id: UserId) -> Any:
    """Admins and the team's leads. Removing someone who is not a member is not an error."""
    team = _team(team_id)
    policy.require(request.auth, "team.members", team)
    services.membership_remove(actor=request.auth, team=team, user=_user(user_id))
    return Status(204, None)


# --- calendars ----------------------------------------------------------------


def _calendar(team: Team) -> Any:
    calendar = selectors.calendar_of(team)
    if calendar is None:
        raise Http404
    return calendar


@router.get(
    "/teams/{team_id}/calendar",
    response={200: CalendarOut, **PROBLEMS},
    summary="A team's calendar",
)
def calendar_get(request: ApiRequest, team_id: TeamId) -> Any:
    """Time zone, public-holiday region, weekly working hours and company holidays."""
    team = _team(team_id)
    policy.require(request.auth, "calendar.view", team)
    return _calendar(team)


@router.put(
    "/teams/{team_id}/calendar",
    response={200: CalendarOut, **PROBLEMS},
    summary="Replace a team's calendar",
)
def calendar_put(request: ApiRequest, team_id: TeamId, payload: CalendarIn) -> Any:
    """Admins and the team's leads. `company_holidays`, when sent, replaces the list."""
    team = _team(team_id)
    policy.require(request.auth, "calendar.manage", team)
    calendar = _calendar(team)
    services.calendar_update(
        actor=request.auth,
        calendar=calendar,
        timezone=payload.timezone,
        country=payload.country,
        subdivision=payload.subdivision,
        week=_week(payload.week),
        company_holidays=(
            None
            if payload.company_holidays is None
            else {h.date: h.name for h in payload.company_holidays}
        ),
    )
    return _calendar(team)


@router.get(
    "/teams/{team_id}/calendar/due",
    response={200: DueOut, **PROBLEMS},
    summary="When a deadline in business hours falls due",
)
def calendar_due(
    request: ApiRequest,
    team_id: TeamId,
    start: Annotated[Instant, Query(description="Start, with a UTC offset.")],
    hours: Annotated[Decimal, Query(ge=0, le=MAX_HOURS, description="Business hours to add.")],
) -> Any:
    """The moment `hours` business hours after `start` in the team's calendar."""
    team = _team(team_id)
    policy.require(request.auth, "calendar.view", team)
    try:
        due = selectors.due_at(team, start=start, hours=hours)
    except (ValueError, OverflowError) as exc:
        raise _business_time_error(exc) from None
    return {"due": due}


@router.get(
    "/teams/{team_id}/calendar/business-hours",
    response={200: HoursOut, **PROBLEMS},
    summary="Business hours between two moments",
)
def calendar_business_hours(
    request: ApiRequest,
    team_id: TeamId,
    start: Annotated[Instant, Query(description="Start, with a UTC offset.")],
    end: Annotated[Instant, Query(description="End, with a UTC offset; not before start.")],
) -> Any:
    team = _team(team_id)
    policy.require(request.auth, "calendar.view", team)
    if end < start:
        raise ValidationError({"end": _("The end must not lie before the start.")})
    if end - start > MAX_SPAN:
        raise ValidationError({"end": _("The span may be at most ten years.")})
    try:
        span = selectors.business_hours_between(team, start=start, end=end)
    except (ValueError, OverflowError) as exc:
        raise _business_time_error(exc) from None
    hours = Decimal(span // timedelta(microseconds=1)) / Decimal(3_600_000_000)
    return {"hours": float(round(hours, 6))}


# --- absences -----------------------------------------------------------------


@router.get("/absences", response={200: AbsencePage, **PROBLEMS}, summary="List absences")
def absences_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    user: Annotated[DbId | None, Query(description="Only this person's absences.")] = None,
    deputy: Annotated[DbId | None, Query(description="Only where this person deputises.")] = None,
    current: Annotated[bool, Query(description="Only absences going on now.")] = False,
) -> Any:
    """Absences (not in the trash) ordered by start."""
    policy.require(request.auth, "org.view")
    qs = selectors.absences_for_api(
        user=user, deputy=deputy, current_at=timezone.now() if current else None
    )
    return paginate(qs, Keyset(("starts_at", "id")), cursor=cursor, limit=limit)


@router.post("/absences", response={201: AbsenceOut, **PROBLEMS}, summary="Record an absence")
def absences_create(request: ApiRequest, payload: AbsenceIn) -> Any:
    """The person themself, their team lead or an admin; names the deputy."""
    user = User.objects.filter(pk=payload.user_id).first()
    deputy = User.objects.filter(pk=payload.deputy_id).first()
    errors = {}
    if user is None:
        errors["user_id"] = _("No such user.")
    if deputy is None:
        errors["deputy_id"] = _("No such user.")
    if errors or user is None or deputy is None:
        raise ValidationError(errors)
    absence = services.absence_create(
        actor=request.auth,
        user=user,
        deputy=deputy,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=payload.reason,
    )
    return Status(201, absence)


@router.delete(
    "/absences/{absence_id}",
    response={204: None, **PROBLEMS},
    summary="Move an absence to the trash",
)
def absences_delete(request: ApiRequest, absence_id: Annotated[DbId, Path()]) -> Any:
    absence = get_object_or_404(Absence, pk=absence_id)
    policy.require(request.auth, "absence.manage", absence)
    services.absence_delete(actor=request.auth, absence=absence)
    return Status(204, None)

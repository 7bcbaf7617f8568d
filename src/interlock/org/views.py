"""Organisation pages: teams, members, business calendars, absences and deputies.

Views parse input, ask the policy, call org.services and render; reads come
from org.selectors. Member and holiday edits answer htmx with a partial and
plain form posts with a redirect, so every page also works without JavaScript.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.org import selectors, services
from interlock.org.forms import (
    AbsenceForm,
    CalendarForm,
    CompanyHolidayForm,
    DueTimeForm,
    MemberAddForm,
    MemberRoleForm,
    format_windows,
)
from interlock.org.models import (
    Absence,
    BusinessCalendar,
    CompanyHoliday,
    Membership,
    Team,
    User,
    WorkingHours,
)

INVALID = 422  # a form with errors; htmx is configured to swap it in


def _team(pk: int) -> Team:
    try:
        return selectors.team_for_page(pk)
    except Team.DoesNotExist:
        raise Http404(_("No such team.")) from None


def _calendar(team: Team) -> BusinessCalendar:
    try:
        return team.calendar
    except BusinessCalendar.DoesNotExist:
        raise Http404(_("This team has no business calendar.")) from None


def _zone(calendar: BusinessCalendar) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(calendar.timezone)


# --- home --------------------------------------------------------------------------------

# Modules of the platform issue that are not built yet; shown greyed on the dashboard.
MODULES_TO_COME = [
    (gettext_lazy("Leads"), gettext_lazy("Lifecycle stages, scoring, routing and handoffs.")),
    (gettext_lazy("Campaigns"), gettext_lazy("Campaigns, responses, attribution and ROI.")),
    (gettext_lazy("Deals"), gettext_lazy("Pipeline, quotes and in-kind discounts.")),
    (gettext_lazy("Agreements"), gettext_lazy("Signed team agreements and their scorecards.")),
    (gettext_lazy("Planning"), gettext_lazy("The joint plan and the reverse funnel.")),
    (gettext_lazy("Reports"), gettext_lazy("KPIs and reports that expire.")),
    (gettext_lazy("Meetings"), gettext_lazy("Joint meetings built on customer experience.")),
]


@login_required
@require_GET
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    """The home page; it lives in the highest app whose data it shows (org, for now)."""
    user = request.user
    memberships = list(selectors.memberships_of(user))  # type: ignore[arg-type]
    return render(
        request,
        "org/dashboard.html",
        {
            "memberships": memberships,
            "teams": [m.team for m in memberships],
            "away": selectors.away_on(timezone.localdate()),
            "modules_to_come": [{"title": t, "text": x} for t, x in MODULES_TO_COME],
        },
    )


# --- teams ----------------------------------------------------------------------------


@login_required
@require_GET
def teams(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "org.view")
    rows = [
        {
            "team": team,
            "leads": [m.user for m in team.memberships.all() if m.role == Membership.Role.LEAD],
        }
        for team in selectors.teams_with_members()
    ]
    return render(request, "org/teams.html", {"rows": rows})


def _members_context(
    request: HtmxHttpRequest, team: Team, form: MemberAddForm | None = None
) -> dict[str, Any]:
    may_edit = policy.can(request.user, "team.members", team)
    if may_edit and form is None:
        form = MemberAddForm(candidates=selectors.team_member_candidates(team))
    return {
        "team": team,
        "memberships": list(team.memberships.all()),
        "may_edit_members": may_edit,
        "member_form": form,
        "role_form": MemberRoleForm(),
    }


def _holidays_context(
    request: HtmxHttpRequest, team: Team, form: CompanyHolidayForm | None = None
) -> dict[str, Any]:
    calendar = _calendar(team)
    may_edit = policy.can(request.user, "calendar.manage", team)
    today = timezone.now().astimezone(_zone(calendar)).date()
    return {
        "team": team,
        "calendar": calendar,
        "holidays": selectors.holidays_ahead(calendar, start=today, language=get_language()),
        "may_edit_calendar": may_edit,
        "holiday_form": form or (CompanyHolidayForm() if may_edit else None),
    }


def _team_context(request: HtmxHttpRequest, team: Team, **overrides: Any) -> dict[str, Any]:
    calendar = _calendar(team)
    hours = list(calendar.hours.all())
    week = [
        {"label": label, "windows": [h for h in hours if h.weekday == value]}
        for value, label in WorkingHours.Weekday.choices
    ]
    context = {
        **_members_context(request, team, overrides.pop("member_form", None)),
        **_holidays_context(request, team, overrides.pop("holiday_form", None)),
        "week": week,
        "due_form": DueTimeForm(initial={"hours": 8}),
        "due": None,
    }
    context.update(overrides)
    return context


@login_required
@require_GET
def team_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "org.view")
    team = _team(pk)
    return render(request, "org/team_detail.html", _team_context(request, team))


def _after_member_change(
    request: HtmxHttpRequest, team_pk: int, form: MemberAddForm | None = None, *, ok: bool = True
) -> HttpResponse:
    team = _team(team_pk)  # fresh: the member list changed
    status = 200 if ok else INVALID
    if request.htmx:
        context = _members_context(request, team, None if ok else form)
        return render(request, "org/partials/team_members.html", context, status=status)
    if ok:
        return redirect("org:team", pk=team.pk)
    return render(
        request,
        "org/team_detail.html",
        _team_context(request, team, member_form=form),
        status=status,
    )


@login_required
@require_POST
def team_member_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = _team(pk)
    policy.require(request.user, "team.members", team)
    form = MemberAddForm(request.POST, candidates=selectors.team_member_candidates(team))
    if form.is_valid():
        try:
            services.membership_set(
                actor=request.user,
                team=team,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    ok = not form.errors
    if ok:
        messages.success(
            request, _("%(person)s is now in the team.") % {"person": form.cleaned_data["user"]}
        )
    return _after_member_change(request, pk, form, ok=ok)


@login_required
@require_POST
def team_member_role(request: HtmxHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    team = _team(pk)
    policy.require(request.user, "team.members", team)
    person = get_object_or_404(User, pk=user_pk, memberships__team=team)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set(
                actor=request.user, team=team, user=person, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        messages.error(request, _("The role was not changed: choose member or team lead."))
        return _after_member_change(request, pk, ok=False)
    messages.success(request, _("The role of %(person)s was changed.") % {"person": person})
    return _after_member_change(request, pk)


@login_required
@require_POST
def team_member_remove(request: HtmxHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    team = _team(pk)
    policy.require(request.user, "team.members", team)
    person = get_object_or_404(User, pk=user_pk, memberships__team=team)
    services.membership_remove(actor=request.user, team=team, user=person)
    messages.success(request, _("%(person)s has left the team.") % {"person": person})
    return _after_member_change(request, pk)


# --- business calendar ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = _team(pk)
    policy.require(request.user, "calendar.manage", team)
    calendar = _calendar(team)
    if request.method == "POST":
        form = CalendarForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.calendar_update(
                    actor=request.user,
                    calendar=calendar,
                    timezone=data["timezone"],
                    country=data["country"],
                    subdivision=data["subdivision"],
                    week=data["week"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The business calendar was saved."))
                return redirect("org:team", pk=team.pk)
        return render(
            request, "org/calendar_edit.html", {"team": team, "form": form}, status=INVALID
        )
    hours = list(calendar.hours.all())
    initial: dict[str, Any] = {
        "timezone": calendar.timezone,
        "country": calendar.country,
        "subdivision": calendar.subdivision,
    }
    for value, _label in WorkingHours.Weekday.choices:
        initial[f"day_{value}"] = format_windows([h for h in hours if h.weekday == value])
    return render(
        request, "org/calendar_edit.html", {"team": team, "form": CalendarForm(initial=initial)}
    )


def _after_holiday_change(
    request: HtmxHttpRequest,
    team_pk: int,
    form: CompanyHolidayForm | None = None,
    *,
    ok: bool = True,
) -> HttpResponse:
    team = _team(team_pk)
    status = 200 if ok else INVALID
    if request.htmx:
        context = _holidays_context(request, team, None if ok else form)
        return render(request, "org/partials/holidays.html", context, status=status)
    if ok:
        return redirect("org:team", pk=team.pk)
    return render(
        request,
        "org/team_detail.html",
        _team_context(request, team, holiday_form=form),
        status=status,
    )


@login_required
@require_POST
def holiday_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    team = _team(pk)
    policy.require(request.user, "calendar.manage", team)
    form = CompanyHolidayForm(request.POST)
    if form.is_valid():
        try:
            services.company_holiday_add(
                actor=request.user,
                calendar=_calendar(team),
                day=form.cleaned_data["date"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    ok = not form.errors
    if ok:
        messages.success(request, _("The company holiday was added."))
    return _after_holiday_change(request, pk, form, ok=ok)


@login_required
@require_POST
def holiday_remove(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    holiday = get_object_or_404(CompanyHoliday.objects.select_related("calendar__team"), pk=pk)
    team = holiday.calendar.team
    if team.in_trash:
        raise Http404(_("No such team."))
    policy.require(request.user, "calendar.manage", team)
    services.company_holiday_remove(actor=request.user, holiday=holiday)
    messages.success(request, _("The company holiday was removed."))
    return _after_holiday_change(request, team.pk)


@login_required
@require_GET
def due_calculator(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Start + N business hours → due time, in the team's calendar."""
    policy.require(request.user, "calendar.view")
    team = _team(pk)
    calendar = _calendar(team)
    form = DueTimeForm(request.GET or None, initial={"hours": 8})
    due = None
    # The start is wall time in the team's zone, whoever asks.
    with timezone.override(_zone(calendar)):
        if form.is_valid():
            try:
                due = selectors.due_at(
                    team, start=form.cleaned_data["start"], hours=form.cleaned_data["hours"]
                )
            except (ValueError, OverflowError):
                form.add_error(
                    None,
                    _(
                        "This calendar has no working time in the next three years; check its working hours."
                    ),
                )
    status = 200 if due is not None or not request.GET else INVALID
    if request.htmx:
        context = {"team": team, "calendar": calendar, "due_form": form, "due": due}
        return render(request, "org/partials/due_result.html", context, status=status)
    context = _team_context(request, team, due_form=form, due=due)
    return render(request, "org/team_detail.html", context, status=status)


# --- absences ---------------------------------------------------------------------------


@login_required
@require_GET
def absences(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "org.view")
    return render(
        request,
        "org/absences.html",
        {
            "rows": selectors.absences_for_page(),
            "may_create": policy.can(request.user, "absence.manage", request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def absence_create(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    policy.require(user, "absence.manage", user)
    subjects, deputies = selectors.absence_subjects(user), selectors.users_search()
    if request.method == "POST":
        form = AbsenceForm(request.POST, subjects=subjects, deputies=deputies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.absence_create(
                    actor=user,
                    user=data["user"],
                    deputy=data["deputy"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    reason=data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The absence was recorded."))
                return redirect("org:absences")
        return render(request, "org/absence_form.html", {"form": form}, status=INVALID)
    form = AbsenceForm(initial={"user": user.pk}, subjects=subjects, deputies=deputies)
    return render(request, "org/absence_form.html", {"form": form})


@login_required
@require_POST
def absence_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    absence = get_object_or_404(Absence.objects.select_related("user"), pk=pk)
    policy.require(request.user, "absence.manage", absence)
    services.absence_delete(actor=request.user, absence=absence)
    messages.success(request, _("The absence was moved to the trash."))
    if request.htmx:
        # The row is gone; only the message area is refreshed, out of band.
        return render(request, "partials/messages_oob.html")
    return redirect("org:absences")


@require_POST
def language_set(request: HtmxHttpRequest) -> HttpResponse:
    """Django's language switch, and for a signed-in person also their saved choice."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(user=request.user, language=language)  # type: ignore[arg-type]
    return response

"""Writes for the organisation: users, teams, memberships, calendars, absences.

Each function is one transaction, checks the policy for the acting user,
records a domain event and leaves an audit trail (django-auditlog).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from interlock.core import events, policy, trash
from interlock.org.models import (
    Absence,
    BusinessCalendar,
    CompanyHoliday,
    Membership,
    Team,
    User,
    WorkingHours,
)

DEFAULT_WEEK: dict[int, list[tuple[time, time]]] = {day: [(time(9), time(17))] for day in range(5)}


def _changes(obj: Any, fields: dict[str, Any]) -> dict[str, Any]:
    changed = {}
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed[name] = value
    return changed


# --- users -------------------------------------------------------------------


def user_create(
    *,
    actor: Any,
    username: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    role: str = User.Roles.MEMBER,
    password: str | None = None,
    language: str = "",
    title: str = "",
    is_active: bool = True,
) -> User:
    policy.require(actor, "user.manage")
    user = User(
        username=username.strip(),
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        language=language,
        title=title,
        is_active=is_active,
        is_staff=role == User.Roles.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    with transaction.atomic():
        user.save()
        events.record("user.created", subject=user, actor=actor, payload={"role": role})
    return user


def user_update(*, actor: Any, user: User, **fields: Any) -> User:
    policy.require(actor, "user.manage")
    allowed = {"email", "first_name", "last_name", "role", "language", "title", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
    with transaction.atomic():
        changed = _changes(user, fields)
        if "role" in changed:
            user.is_staff = user.role == User.Roles.ADMIN
        user.full_clean()
        user.save()
        if changed:
            events.record(
                "user.updated", subject=user, actor=actor, payload={"fields": sorted(changed)}
            )
    return user


def user_set_language(*, user: User, language: str) -> User:
    """A person's own language choice (no policy: everyone may set their own)."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Unknown language."))
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
    return user


# --- teams and memberships --------------------------------------------------


def team_create(
    *,
    actor: Any,
    name: str,
    slug: str = "",
    description: str = "",
    function: str = Team.Function.OTHER,
    timezone: str = "Europe/Berlin",
    country: str = "DE",
    subdivision: str = "",
    week: dict[int, list[tuple[time, time]]] | None = None,
) -> Team:
    """A team with its business calendar (default: Mon–Fri 9–17)."""
    policy.require(actor, "team.manage")
    name = name.strip()
    team = Team(
        name=name, slug=slugify(slug or name)[:50], description=description, function=function
    )
    team.full_clean()
    with transaction.atomic():
        team.save()
        calendar = BusinessCalendar(
            team=team, timezone=timezone, country=country, subdivision=subdivision
        )
        calendar.full_clean()
        calendar.save()
        _write_week(calendar, DEFAULT_WEEK if week is None else week)
        events.record("team.created", subject=team, actor=actor, payload={"name": name})
    return team


def team_update(
    *,
    actor: Any,
    team: Team,
    name: str | None = None,
    description: str | None = None,
    function: str | None = None,
) -> Team:
    policy.require(actor, "team.manage")
    wanted = {"name": name, "description": description, "function": function}
    fields = {k: v for k, v in wanted.items() if v is not None}
    with transaction.atomic():
        changed = _changes(team, fields)
        team.full_clean()
        team.save()
        if changed:
            events.record(
                "team.updated", subject=team, actor=actor, payload={"fields": sorted(changed)}
            )
    return team


def team_delete(*, actor: Any, team: Team) -> Team:
    policy.require(actor, "team.manage")
    return trash.trash_move(obj=team, actor=actor)


def membership_set(
    *, actor: Any, team: Team, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Add ``user`` to ``team`` or change their role there."""
    policy.require(actor, "team.members", team)
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown team role."))
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            team=team, user=user, defaults={"role": role}
        )
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        events.record(
            "team.member_set",
            subject=team,
            actor=actor,
            payload={"user": user.pk, "role": role, "new": created},
        )
    return membership


def membership_remove(*, actor: Any, team: Team, user: User) -> None:
    policy.require(actor, "team.members", team)
    with transaction.atomic():
        deleted, _rows = Membership.objects.filter(team=team, user=user).delete()
        if deleted:
            events.record(
                "team.member_removed", subject=team, actor=actor, payload={"user": user.pk}
            )


# --- calendars ---------------------------------------------------------------


def _write_week(calendar: BusinessCalendar, week: dict[int, list[tuple[time, time]]]) -> None:
    calendar.hours.all().delete()
    rows = []
    for weekday, windows in week.items():
        for start, end in windows:
            row = WorkingHours(calendar=calendar, weekday=int(weekday), start=start, end=end)
            row.full_clean(exclude=["calendar"])
            rows.append(row)
    WorkingHours.objects.bulk_create(rows)
    # Reject overlaps and other shapes the arithmetic cannot use.
    from interlock.org.calendars import spec_for

    try:
        spec_for(calendar)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def calendar_update(
    *,
    actor: Any,
    calendar: BusinessCalendar,
    timezone: str | None = None,
    country: str | None = None,
    subdivision: str | None = None,
    week: dict[int, list[tuple[time, time]]] | None = None,
    company_holidays: dict[date, str] | None = None,
) -> BusinessCalendar:
    """Change a calendar; ``week`` and ``company_holidays`` replace what was there."""
    policy.require(actor, "calendar.manage", calendar.team)
    fields = {
        k: v
        for k, v in {"timezone": timezone, "country": country, "subdivision": subdivision}.items()
        if v is not None
    }
    with transaction.atomic():
        changed = _changes(calendar, fields)
        calendar.full_clean()
        calendar.save()
        if week is not None:
            _write_week(calendar, week)
            changed["week"] = True
        if company_holidays is not None and _replace_holidays(calendar, company_holidays):
            changed["company_holidays"] = True
        events.record(
            "calendar.updated", subject=calendar, actor=actor, payload={"fields": sorted(changed)}
        )
    return calendar


def _replace_holidays(calendar: BusinessCalendar, wanted: dict[date, str]) -> bool:
    wanted = {day: name.strip() for day, name in wanted.items()}
    current = {h.date: h for h in calendar.company_holidays.all()}
    stale = [h.pk for day, h in current.items() if wanted.get(day) != h.name]
    fresh = [
        CompanyHoliday(calendar=calendar, date=day, name=name)
        for day, name in sorted(wanted.items())
        if day not in current or current[day].pk in stale
    ]
    for holiday in fresh:
        holiday.full_clean(exclude=["calendar"], validate_unique=False)
    CompanyHoliday.objects.filter(pk__in=stale).delete()
    CompanyHoliday.objects.bulk_create(fresh)
    return bool(stale or fresh)


def company_holiday_add(
    *, actor: Any, calendar: BusinessCalendar, day: date, name: str
) -> CompanyHoliday:
    policy.require(actor, "calendar.manage", calendar.team)
    holiday = CompanyHoliday(calendar=calendar, date=day, name=name.strip())
    holiday.full_clean()
    with transaction.atomic():
        holiday.save()
        events.record(
            "calendar.holiday_added",
            subject=calendar,
            actor=actor,
            payload={"date": day.isoformat()},
        )
    return holiday


def company_holiday_remove(*, actor: Any, holiday: CompanyHoliday) -> None:
    policy.require(actor, "calendar.manage", holiday.calendar.team)
    with transaction.atomic():
        calendar = holiday.calendar
        day = holiday.date
        holiday.delete()
        events.record(
            "calendar.holiday_removed",
            subject=calendar,
            actor=actor,
            payload={"date": day.isoformat()},
        )


# --- absences ----------------------------------------------------------------


def absence_create(
    *,
    actor: Any,
    user: User,
    deputy: User,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
) -> Absence:
    policy.require(actor, "absence.manage", user)
    if deputy.pk == user.pk:
        raise ValidationError({"deputy": _("A person cannot be their own deputy.")})
    if not deputy.is_active:
        raise ValidationError({"deputy": _("The deputy's account is not active.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The absence must end after it starts.")})
    absence = Absence(
        user=user, deputy=deputy, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()
    )
    absence.full_clean()
    with transaction.atomic():
        absence.save()
        events.record(
            "absence.created",
            subject=absence,
            actor=actor,
            payload={"user": user.pk, "deputy": deputy.pk},
        )
    return absence


def absence_delete(*, actor: Any, absence: Absence) -> Absence:
    policy.require(actor, "absence.manage", absence)
    return trash.trash_move(obj=absence, actor=actor)


# --- bulk path ---------------------------------------------------------------


def users_bulk_create(
    *, actor: Any, rows: Sequence[dict[str, Any]], team: Team | None = None
) -> list[int]:
    """Create many users at once; same validation and trail as :func:`user_create`.

    Writes with ``executemany`` through Django's connection (the ORM's
    per-object path is an order of magnitude slower), then records one
    audit entry and one ``user.created`` event per user in the same
    transaction. Returns the new ids. See bench/ for the figures.
    """
    from interlock.org.bulk import bulk_insert_users

    policy.require(actor, "user.manage")
    return bulk_insert_users(actor=actor, rows=rows, team=team)

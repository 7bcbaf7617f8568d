"""Users, teams, memberships, business calendars and absences."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from interlock.core.policy import Role
from interlock.core.trash import Trashable


class User(AbstractUser):
    class Roles(models.TextChoices):
        ADMIN = Role.ADMIN, _("administrator")
        MANAGEMENT = Role.MANAGEMENT, _("management")
        MEMBER = Role.MEMBER, _("member")
        READONLY = Role.READONLY, _("read only")

    role = models.CharField(_("role"), max_length=16, choices=Roles.choices, default=Roles.MEMBER)
    language = models.CharField(
        _("language"), max_length=8, blank=True, help_text=_("Empty: follow the browser.")
    )
    title = models.CharField(_("job title"), max_length=120, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="user_email_unique"
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def leads_team(self, team: Any) -> bool:
        """True if this user is a lead of ``team`` (a Team or its id)."""
        team_id = getattr(team, "pk", team)
        return self.memberships.filter(team_id=team_id, role=Membership.Role.LEAD).exists()

    def leads_any_team(self) -> bool:
        return self.memberships.filter(role=Membership.Role.LEAD).exists()

    def works_in(self, function: str) -> bool:
        """True if this user belongs to a live team with that function (e.g. marketing)."""
        return self.memberships.filter(
            team__function=function, team__deleted_at__isnull=True
        ).exists()

    @property
    def is_readonly(self) -> bool:
        return not self.is_superuser and self.role == Role.READONLY


class Team(Trashable):
    class Function(models.TextChoices):
        """What the team does for the revenue process; policy and agreements read it."""

        MARKETING = "marketing", _("Marketing")
        SALES = "sales", _("Sales")
        CUSTOMER_SUCCESS = "customer_success", _("Customer success")
        MANAGEMENT = "management", _("Management")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    function = models.CharField(
        _("function"), max_length=20, choices=Function.choices, default=Function.OTHER
    )
    slug = models.SlugField(_("short name"), max_length=50)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    members = models.ManyToManyField(User, through="Membership", related_name="teams")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(deleted_at__isnull=True), name="team_slug_live_unique"
            )
        ]
        default_manager_name = "objects"
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        LEAD = "lead", _("team lead")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="membership_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team} ({self.get_role_display()})"


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(zone)s is not a known time zone."), params={"zone": value}
        ) from None


class BusinessCalendar(models.Model):
    """A team's working time: zone, hours per weekday, public and company holidays."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="calendar")
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_timezone]
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default="DE",
        blank=True,
        help_text=_("ISO country code for public holidays; empty for none."),
    )
    subdivision = models.CharField(
        _("state"), max_length=10, blank=True, help_text=_("e.g. BY for Bavaria")
    )

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return f"{self.team} ({self.timezone})"

    def clean(self) -> None:
        from interlock.org.calendars import validate_region

        validate_region(self.country or None, self.subdivision or None)


class WorkingHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="hours_end_after_start"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class CompanyHoliday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="company_holidays"
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("company holiday")
        verbose_name_plural = _("company holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="company_holiday_once")
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Absence(Trashable):
    """A person away; deadline-bound work goes to the named deputy meanwhile."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="absences")
    deputy = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="deputising", verbose_name=_("deputy")
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["starts_at"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(deputy=F("user")), name="absence_deputy_not_self"),
        ]
        indexes = [models.Index(fields=["user", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"

    def covers(self, at: datetime) -> bool:
        return self.starts_at <= at < self.ends_at

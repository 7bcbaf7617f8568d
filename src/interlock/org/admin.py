"""Admin upkeep of people, teams, calendars and absences (on Interlock's admin site).

Only simple upkeep happens here and it relies on model validation; rules that
span models (who may lead, absence cover) live in org.services and the pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from interlock.core.admin import PolicyAdmin, PolicyInline, TrashingAdmin, site
from interlock.org.models import (
    Absence,
    BusinessCalendar,
    CompanyHoliday,
    Membership,
    Team,
    User,
    WorkingHours,
)


class MembershipInline(PolicyInline, admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role")


class UserMembershipInline(MembershipInline):
    autocomplete_fields = ("team",)
    fields = ("team", "role")
    verbose_name = _("team")
    verbose_name_plural = _("teams")


@admin.register(User, site=site)
class UserAdmin(PolicyAdmin, DjangoUserAdmin):  # type: ignore[misc]
    list_display = ("username", "get_full_name", "email", "role", "language", "is_active")
    list_filter = ("role", "is_active", "language")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("last_name", "first_name", "username")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "title", "language")}),
        (_("Rights"), {"fields": ("role", "is_active")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Person"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Rights"), {"fields": ("role",)}),
    )
    readonly_fields = ("last_login", "date_joined")
    inlines = (UserMembershipInline,)

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return super().get_inline_instances(request, obj) if obj is not None else []

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # Admin rights come from the role; keep Django's flag in step for tools that read it.
        obj.is_staff = obj.role == User.Roles.ADMIN
        super().save_model(request, obj, form, change)


class CalendarInline(PolicyInline, admin.StackedInline):  # type: ignore[type-arg]
    model = BusinessCalendar
    extra = 0
    max_num = 1
    can_delete = False
    fields = ("timezone", "country", "subdivision")
    show_change_link = True


@admin.register(Team, site=site)
class TeamAdmin(TrashingAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline, CalendarInline)


class WorkingHoursInline(PolicyInline, admin.TabularInline):  # type: ignore[type-arg]
    model = WorkingHours
    extra = 0


class CompanyHolidayInline(PolicyInline, admin.TabularInline):  # type: ignore[type-arg]
    model = CompanyHoliday
    extra = 0


@admin.register(BusinessCalendar, site=site)
class BusinessCalendarAdmin(PolicyAdmin):
    list_display = ("team", "timezone", "country", "subdivision")
    list_select_related = ("team",)
    search_fields = ("team__name",)
    inlines = (WorkingHoursInline, CompanyHolidayInline)


@admin.register(Absence, site=site)
class AbsenceAdmin(TrashingAdmin):
    list_display = ("user", "deputy", "starts_at", "ends_at", "reason")
    list_select_related = ("user", "deputy")
    search_fields = ("user__username", "user__last_name", "deputy__username", "deputy__last_name")
    autocomplete_fields = ("user", "deputy")
    date_hierarchy = "starts_at"

"""Filter forms of the funnel and speed-to-lead pages (GET; whole months)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlock.campaigns.models import Campaign
from interlock.customers.models import Account
from interlock.leads.models.lifecycle import Source
from interlock.leads.selectors_reports import FunnelFilters, SpeedFilters
from interlock.org.models import Team

MAX_MONTHS = 120


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    end = today.replace(day=1)
    year, month = (end.year, end.month - 11) if end.month == 12 else (end.year - 1, end.month + 1)
    return date(year, month, 1), end


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def period_problem(start: date, end: date) -> str | None:
    """A message when the period is unusable, else None (shared with the API)."""
    if start > end:
        return str(_("The first month must not be after the last month."))
    if months_between(start, end) > MAX_MONTHS:
        return str(_("Choose at most %(n)d months.") % {"n": MAX_MONTHS})
    return None


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


class MonthField(forms.DateField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2025-03.")}


def _users() -> Any:
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")


class _PeriodForm(forms.Form):
    period_from = MonthField(label=_("From month"), required=False)
    period_to = MonthField(label=_("To month"), required=False)
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("all")), *Source.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = default_period()
        data["period_from"] = (data.get("period_from") or start).replace(day=1)
        data["period_to"] = (data.get("period_to") or end).replace(day=1)
        problem = period_problem(data["period_from"], data["period_to"])
        if problem:
            self.add_error("period_to", problem)
        return data


class FunnelForm(_PeriodForm):
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[
            ("month", _("month")),
            ("source", _("source")),
            ("campaign", _("campaign")),
            ("segment", _("segment (account size)")),
            ("owner", _("owner")),
        ],
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        required=False,
        queryset=Campaign.objects.order_by("name"),
        empty_label=_("all"),
    )
    segment = forms.ChoiceField(
        label=_("Segment"), required=False, choices=[("", _("all")), *Account.Size.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=_users(), empty_label=_("all")
    )

    def filters(self) -> FunnelFilters:
        data = self.cleaned_data
        return FunnelFilters(
            source=data.get("source") or None,
            campaign_id=data["campaign"].pk if data.get("campaign") else None,
            segment=data.get("segment") or None,
            owner_id=data["owner"].pk if data.get("owner") else None,
        )


class SpeedForm(_PeriodForm):
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[
            ("rep", _("rep")),
            ("team", _("team")),
            ("source", _("source")),
            ("month", _("month")),
        ],
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.order_by("name"),
        empty_label=_("all"),
    )
    assignee = forms.ModelChoiceField(
        label=_("Rep"), required=False, queryset=_users(), empty_label=_("all")
    )

    def filters(self) -> SpeedFilters:
        data = self.cleaned_data
        return SpeedFilters(
            team_id=data["team"].pk if data.get("team") else None,
            assignee_id=data["assignee"].pk if data.get("assignee") else None,
            source=data.get("source") or None,
        )

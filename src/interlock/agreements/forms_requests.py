"""Forms of the request pages; they only parse — rules live in services_requests."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlock.org.models import Membership, Team, User


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise forms.ValidationError(_("Text must not contain NUL characters."))


class RequestForm(forms.Form):
    title = forms.CharField(label=_("What you need"), max_length=200, validators=[_no_nul])
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=5000,
        validators=[_no_nul],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    requesting_team = forms.ModelChoiceField(
        label=_("Asked by team"), queryset=Team.objects.order_by("name")
    )
    provider_team = forms.ModelChoiceField(
        label=_("Asked of team"), queryset=Team.objects.order_by("name")
    )
    assignee = forms.ModelChoiceField(
        label=_("Person (optional)"),
        queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name"),
        required=False,
    )
    due_at = forms.DateTimeField(
        label=_("Wanted by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and not self.is_bound:
            mine = Membership.objects.filter(user=user).values_list("team_id", flat=True).first()
            if mine:
                self.fields["requesting_team"].initial = mine


class DeliverForm(forms.Form):
    note = forms.CharField(
        label=_("What was delivered"),
        required=False,
        max_length=2000,
        validators=[_no_nul],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is no longer needed"), required=False, max_length=2000, validators=[_no_nul]
    )

"""Forms of the campaign pages; they parse input, the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interlock.campaigns.models import Campaign, CampaignMember, CampaignResponse
from interlock.core.forms import DateInput, LocalDateTimeInput
from interlock.org.models import Team

MAX_TEXT = 20000
MAX_PASTE = 200_000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValidationError(_("Text must not contain NUL characters."))
    return value


def _users() -> Any:
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("any")), *Campaign.Type.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *Campaign.Status.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=_users(), empty_label=_("anyone")
    )
    starts_from = forms.DateField(label=_("Running from"), required=False, widget=DateInput())
    starts_to = forms.DateField(label=_("Starting until"), required=False, widget=DateInput())

    def clean_q(self) -> str:
        return _no_nul(self.cleaned_data["q"].strip())


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=Campaign.Type.choices)
    status = forms.ChoiceField(
        label=_("Status"), choices=Campaign.Status.choices, initial=Campaign.Status.PLANNED
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DateInput())
    owner = forms.ModelChoiceField(label=_("Owner"), required=False, queryset=_users())
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.order_by("name")
    )
    budget = forms.DecimalField(
        label=_("Budget"), max_digits=14, decimal_places=2, min_value=0, initial=Decimal("0")
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="EUR",
        help_text=_("Three-letter ISO 4217 code, e.g. EUR."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=MAX_TEXT,
    )
    utm_source = forms.CharField(label=_("UTM source"), max_length=100, required=False)
    utm_medium = forms.CharField(label=_("UTM medium"), max_length=100, required=False)
    utm_campaign = forms.CharField(
        label=_("UTM campaign"),
        max_length=100,
        required=False,
        help_text=_("Identifies the campaign in captured form posts; unique among live campaigns."),
    )
    utm_term = forms.CharField(label=_("UTM term"), max_length=100, required=False)
    utm_content = forms.CharField(label=_("UTM content"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = _no_nul(value.strip())
        if data.get("budget") is None and "budget" in data:
            data["budget"] = Decimal("0")
        return data


class CostForm(forms.Form):
    description = forms.CharField(label=_("What for"), max_length=200)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    incurred_on = forms.DateField(label=_("Date"), widget=DateInput())

    def clean_description(self) -> str:
        return _no_nul(self.cleaned_data["description"].strip())


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Find member"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *CampaignMember.Status.choices]
    )

    def clean_q(self) -> str:
        return _no_nul(self.cleaned_data["q"].strip())


class AddMembersForm(forms.Form):
    contact = forms.TypedMultipleChoiceField(
        label=_("Contacts"), required=False, coerce=int, choices=()
    )
    emails = forms.CharField(
        label=_("Or paste e-mail addresses"),
        required=False,
        max_length=MAX_PASTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more addresses, separated by commas, spaces or new lines."),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=CampaignMember.Status.choices, initial="targeted"
    )

    def clean_contact(self) -> list[int]:
        return [pk for pk in self.cleaned_data["contact"] if 0 < pk < 2**63]

    def clean_emails(self) -> str:
        return _no_nul(self.cleaned_data["emails"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("contact") and not (data.get("emails") or "").strip():
            raise ValidationError(_("Pick contacts from the search or paste e-mail addresses."))
        return data


class AddMembersFormBound(AddMembersForm):
    """The add form as posted: any contact id is a valid choice, the service checks it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("contact") if hasattr(self.data, "getlist") else []
        field = self.fields["contact"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(value, value) for value in raw[:1000]]


class MemberStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CampaignMember.Status.choices)


class ResponseForm(forms.Form):
    contact = forms.IntegerField(
        label=_("Contact"), min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignResponse.Kind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Leave empty for now."),
    )


class PeriodForm(forms.Form):
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    model = forms.ChoiceField(
        label=_("Model"),
        required=False,
        choices=[
            ("linear", _("linear")),
            ("first", _("first touch")),
            ("last", _("last touch")),
        ],
    )

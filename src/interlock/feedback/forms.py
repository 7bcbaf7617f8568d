"""Forms of the complaint and idea pages; they parse input, the services decide."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interlock.core.forms import DateInput
from interlock.customers.models import Account, Contact
from interlock.feedback.models import Complaint, ComplaintCategory, Idea
from interlock.sales.models import Deal, Product

MAX_TEXT = 20000


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValidationError(_("Text must not contain NUL characters."))
    return value


class ComplaintFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("any")), ("open", _("open")), *Complaint.Status.choices],
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("any")), *Complaint.Severity.choices]
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=ComplaintCategory.objects.order_by("name"),
        empty_label=_("any"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=get_user_model()
        .objects.filter(is_active=True)
        .order_by("first_name", "last_name"),
        empty_label=_("anyone"),
    )
    account = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1
    )
    created_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    created_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("-created", _("newest first")),
            ("created", _("oldest first")),
            ("-severity", _("most severe first")),
            ("status", _("by status")),
        ],
    )

    def clean_q(self) -> str:
        return _no_nul(self.cleaned_data["q"].strip())


class ComplaintForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.order_by("name"))
    contact = forms.ModelChoiceField(
        label=_("Contact"), queryset=Contact.objects.order_by("last_name"), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ComplaintCategory.objects.filter(active=True).order_by("name")
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Complaint.Channel.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Complaint.Severity.choices, initial="medium"
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MAX_TEXT,
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        required=False,
        queryset=get_user_model().objects.filter(is_active=True).order_by("first_name"),
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        required=False,
        queryset=Product.objects.filter(active=True).order_by("name"),
        help_text=_("The product the complaint is about, if any."),
    )
    deal = forms.ModelChoiceField(
        label=_("Deal"),
        required=False,
        queryset=Deal.objects.order_by("title", "pk"),
        help_text=_("The deal it arose from, if any; it must be one of the account's deals."),
    )

    def __init__(self, *args: Any, edit: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if edit:
            del self.fields["account"]
            self.fields["category"].queryset = ComplaintCategory.objects.order_by("name")  # type: ignore[attr-defined]
            self.fields["product"].queryset = Product.objects.order_by("name")  # type: ignore[attr-defined]
        if not self.is_bound:
            # Offer only the account's deals when the account is known; a bound
            # form keeps every deal, so a wrong one gets the service's clear message.
            account_id = _account_id(self.initial)
            if account_id is not None:
                self.fields["deal"].queryset = Deal.objects.filter(  # type: ignore[attr-defined]
                    account_id=account_id
                ).order_by("title", "pk")
            self.fields["root_cause"] = forms.CharField(
                label=_("Root cause"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=MAX_TEXT,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value in data.values():
            if isinstance(value, str):
                _no_nul(value)
        return data


def _account_id(initial: Mapping[str, Any]) -> int | None:
    """The complaint's account as far as the initial data tells it."""
    for name in ("account", "deal", "contact"):
        value = initial.get(name)
        if isinstance(value, Account):
            return value.pk
        if isinstance(value, Deal | Contact) and value.account_id:
            return int(value.account_id)
    return None


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Complaint.Status.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )
    root_cause = forms.CharField(
        label=_("Root cause"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_TEXT,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value in data.values():
            if isinstance(value, str):
                _no_nul(value)
        return data


class RateForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Customer satisfaction"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        help_text=_("1 = very unhappy, 5 = very happy."),
    )


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *Idea.Status.choices]
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("votes", _("most votes")),
            ("revenue", _("won revenue of the customers who asked")),
            ("new", _("newest")),
        ],
    )

    def clean_q(self) -> str:
        return _no_nul(self.cleaned_data["q"].strip())


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=MAX_TEXT,
    )
    source = forms.ChoiceField(label=_("Suggested by"), choices=Idea.Source.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for value in data.values():
            if isinstance(value, str):
                _no_nul(value)
        return data


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Idea.Status.choices)


class LinkAccountForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.order_by("name"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean_note(self) -> str:
        return _no_nul(self.cleaned_data["note"])

"""Forms of the customer pages. They parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from interlock.core.forms import LocalDateTimeInput
from interlock.customers.models import Account, Activity, Contact


def _users() -> Any:
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class AccountForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    domain = forms.CharField(
        label=_("Website domain"),
        max_length=300,
        required=False,
        help_text=_("e.g. kessler-maschinenbau.de; used to find duplicates."),
    )
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    size = forms.ChoiceField(
        label=_("Size"), choices=[("", "—"), *Account.Size.choices], required=False
    )
    revenue_band = forms.ChoiceField(
        label=_("Annual revenue"), choices=[("", "—"), *Account.RevenueBand.choices], required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    state = forms.CharField(label=_("State"), max_length=10, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    lifecycle = forms.ChoiceField(label=_("Lifecycle"), choices=Account.Lifecycle.choices)
    owner = UserChoiceField(label=_("Owner"), queryset=None, required=False)
    parent = forms.IntegerField(
        label=_("Parent account (id)"), required=False, min_value=1, max_value=2**63 - 1
    )
    allow_duplicate = forms.BooleanField(
        label=_("Create it anyway, even though an account with this domain exists"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]  # type: ignore[attr-defined]
        self.fields["owner"].queryset = _users()  # type: ignore[attr-defined]

    def clean_parent(self) -> Account | None:
        pk = self.cleaned_data.get("parent")
        if not pk:
            return None
        account = Account.objects.filter(pk=pk).first()
        if account is None:
            raise forms.ValidationError(_("There is no account with this id."))
        return account

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("allow_duplicate", None)
        return data


class ContactForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("International format, e.g. +49 711 123456."),
    )
    title = forms.CharField(label=_("Job title"), max_length=150, required=False)
    buying_role = forms.ChoiceField(
        label=_("Role in the buying centre"),
        choices=[("", "—"), *Contact.BuyingRole.choices],
        required=False,
    )
    account = forms.IntegerField(
        label=_("Account (id)"), required=False, min_value=1, max_value=2**63 - 1
    )
    owner = UserChoiceField(label=_("Owner"), queryset=None, required=False)
    allow_duplicate = forms.BooleanField(
        label=_("Create it anyway, even though a contact with this e-mail exists"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users()  # type: ignore[attr-defined]

    def clean_account(self) -> Account | None:
        pk = self.cleaned_data.get("account")
        if not pk:
            return None
        account = Account.objects.filter(pk=pk).first()
        if account is None:
            raise forms.ValidationError(_("There is no account with this id."))
        return account

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("allow_duplicate", None)
        return data


class ActivityForm(forms.Form):
    """Log a call, meeting, e-mail or note — or create a task (due date and assignee)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Activity.Kind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Details"), required=False, max_length=20000, widget=forms.Textarea({"rows": 3})
    )
    occurred_at = forms.DateTimeField(
        label=_("When"), required=False, widget=LocalDateTimeInput(), help_text=_("Default: now.")
    )
    due_at = forms.DateTimeField(
        label=_("Due (tasks)"), required=False, widget=LocalDateTimeInput()
    )
    assignee = UserChoiceField(label=_("Assignee (tasks)"), queryset=None, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _users()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Activity.Kind.TASK:
            if not data.get("due_at"):
                self.add_error("due_at", _("A task needs a due date."))
            if not data.get("assignee"):
                self.add_error("assignee", _("A task needs someone to do it."))
        elif data.get("due_at") or data.get("assignee"):
            self.add_error("due_at", _("Only tasks have a due date and an assignee."))
        return data


class MergeForm(forms.Form):
    other = forms.IntegerField(
        label=_("Id of the record to merge into this one"), min_value=1, max_value=2**63 - 1
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    owner = UserChoiceField(
        label=_("Owner"), queryset=None, required=False, empty_label=_("anyone")
    )
    lifecycle = forms.ChoiceField(
        label=_("Lifecycle"), choices=[("", _("all")), *Account.Lifecycle.choices], required=False
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args: Any, sorts: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _users()  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("all")), *countries]  # type: ignore[attr-defined]
        self.fields["sort"].choices = sorts  # type: ignore[attr-defined]

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q") or "").replace("\x00", "").strip()

    def clean_industry(self) -> str:
        return str(self.cleaned_data.get("industry") or "").replace("\x00", "").strip()

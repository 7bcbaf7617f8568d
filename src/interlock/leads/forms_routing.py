"""Forms of the routing page; they parse input, ``services_routing`` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from interlock.customers.models import Account, Contact
from interlock.leads.models import RoutingRule
from interlock.org.models import Team, User


def _lines(value: str, *, max_items: int = 500) -> list[str]:
    items = [part.strip() for chunk in value.splitlines() for part in chunk.split(",")]
    items = [item for item in items if item]
    if len(items) > max_items:
        raise ValidationError(_("At most %(max)d values.") % {"max": max_items})
    if any("\x00" in item for item in items):
        raise ValidationError(_("Text must not contain NUL characters."))
    return items


class RoutingRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"))
    method = forms.ChoiceField(label=_("Who gets the lead"), choices=RoutingRule.Method.choices)
    members = forms.ModelMultipleChoiceField(
        label=_("Reps"),
        queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name"),
        required=False,
        help_text=_("Round robin among these; none = all members of the team."),
    )
    capacity = forms.IntegerField(
        label=_("Open leads per rep at most"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("Reps at the cap are skipped; when all are full the lead waits in the queue."),
    )
    countries = forms.MultipleChoiceField(label=_("Countries"), required=False, choices=[])
    states = forms.CharField(
        label=_("States"),
        required=False,
        max_length=2000,
        help_text=_("State codes, comma-separated, e.g. BW, BY."),
    )
    regions = forms.CharField(
        label=_("Regions"),
        required=False,
        max_length=5000,
        help_text=_("Region names, comma-separated or one per line."),
    )
    sizes = forms.MultipleChoiceField(
        label=_("Account sizes"), required=False, choices=Account.Size.choices
    )
    accounts = forms.ModelMultipleChoiceField(
        label=_("Named accounts"),
        queryset=Account.objects.order_by("name"),
        required=False,
        help_text=_("Leads of these accounts only."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["countries"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(countries)

    @classmethod
    def initial_for(cls, rule: RoutingRule) -> dict[str, Any]:
        c = rule.conditions or {}
        return {
            "name": rule.name,
            "team": rule.team,
            "method": rule.method,
            "members": list(rule.members.all()),
            "capacity": rule.capacity,
            "countries": c.get("countries", []),
            "states": ", ".join(c.get("states", [])),
            "regions": "\n".join(c.get("regions", [])),
            "sizes": c.get("sizes", []),
            "accounts": Account.objects.filter(pk__in=c.get("accounts", [])),
            "active": rule.active,
        }

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if "\x00" in name:
            raise ValidationError(_("Text must not contain NUL characters."))
        return name

    def clean_states(self) -> list[str]:
        return _lines(self.cleaned_data["states"])

    def clean_regions(self) -> list[str]:
        return _lines(self.cleaned_data["regions"])

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "team": d["team"],
            "method": d["method"],
            "members": list(d["members"]),
            "capacity": d["capacity"],
            "active": d["active"],
            "conditions": {
                "countries": list(d["countries"]),
                "states": d["states"],
                "regions": d["regions"],
                "sizes": list(d["sizes"]),
                "accounts": [a.pk for a in d["accounts"]],
            },
        }


class DefaultQueueForm(forms.Form):
    default_team = forms.ModelChoiceField(
        label=_("Default queue"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("first sales team"),
        help_text=_("Leads that no rule matches go to this team's queue."),
    )


class PreviewForm(forms.Form):
    q = forms.CharField(
        label=_("Contact"),
        max_length=254,
        help_text=_("The contact's e-mail address or id."),
    )

    def clean_q(self) -> Contact:
        raw = str(self.cleaned_data["q"]).strip()
        found: Contact | None = None
        if raw.isdigit() and len(raw) <= 18:
            found = Contact.objects.select_related("account").filter(pk=int(raw)).first()
        elif "\x00" not in raw:
            found = (
                Contact.objects.select_related("account")
                .filter(email__iexact=raw)
                .order_by("pk")
                .first()
            )
        if found is None:
            raise ValidationError(_("No contact with this e-mail address or id."))
        return found

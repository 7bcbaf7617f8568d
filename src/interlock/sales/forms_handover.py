"""The handover form of a won deal; it only parses — rules live in services_handover."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlock.org.models import Team
from interlock.sales.forms import NUL_MESSAGE


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise forms.ValidationError(NUL_MESSAGE)


def _text(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=5000,
        help_text=help_text,
        validators=[_no_nul],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HandoverForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Receiving customer success team"),
        queryset=Team.objects.filter(function=Team.Function.CUSTOMER_SUCCESS).order_by("name"),
        required=False,
    )
    goals = _text(_("Customer's goals"), _("What the customer wants to achieve with us."))
    stakeholders = _text(
        _("Stakeholders and contacts"), _("Who decides, who uses it, whom to call.")
    )
    commitments = _text(
        _("Commitments made in the sale"), _("Everything promised: dates, features, prices.")
    )
    risks = _text(_("Risks"), _("What could go wrong, and early signs of it."))
    next_steps = _text(_("Next steps"), _("Who does what next, by when."))

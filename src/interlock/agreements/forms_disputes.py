"""Forms of the dispute pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from interlock.agreements.models import Agreement, BreachDispute


class DisputeRaiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this not a breach?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Both team leads read it and decide; say what happened."),
    )


class DisputeDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (BreachDispute.Status.UPHELD, _("The breach stands")),
            (BreachDispute.Status.WAIVED, _("Waive the breach")),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=4000, required=False)


class DisputeFilterForm(forms.Form):
    agreement = forms.ModelChoiceField(
        label=_("Agreement"),
        queryset=Agreement.objects.order_by("title"),
        required=False,
        empty_label=_("All agreements"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open and settled")), ("open", _("open")), ("settled", _("settled"))],
    )

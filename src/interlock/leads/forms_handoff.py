"""Forms of the lifecycle and handoff pages (the services validate again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlock.core.forms import DateInput
from interlock.leads import lifecycle
from interlock.leads.models import RejectionReason, Stage
from interlock.leads.services_handoff import reason_label


def _reason_choices(*, active_only: bool = True) -> list[tuple[str, str]]:
    qs = RejectionReason.objects.order_by("position", "name")
    if active_only:
        qs = qs.filter(active=True)
    return [(r.code, reason_label(r)) for r in qs]


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        error_messages={"required": _("Choose a rejection reason; marketing learns from it.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What marketing should know, e.g. who would be the right person."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— choose a reason —")), *_reason_choices()]


class DisputeForm(forms.Form):
    comment = forms.CharField(
        label=_("Why the rejection is wrong"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why you dispute the rejection.")},
    )


class SettleForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("overturn", _("Overturn: back to MQL and hand over again")),
            ("uphold", _("Uphold the rejection")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class StageForm(forms.Form):
    # A plain text field shown as a menu of the allowed moves: a refused move
    # gets the service's message (naming the allowed stages), not "invalid choice".
    to_stage = forms.CharField(label=_("New stage"), max_length=12, widget=forms.Select)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        help_text=_("Required for recycled and disqualified."),
    )

    def __init__(self, *args: Any, current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["to_stage"].widget
        assert isinstance(widget, forms.Select)
        widget.attrs.pop("maxlength", None)  # not an attribute of <select>
        widget.choices = [(s, Stage(s).label) for s in lifecycle.next_stages(current)]


class QualifyForm(forms.Form):
    budget = forms.CharField(label=_("Budget"), required=False, max_length=200)
    authority = forms.CharField(label=_("Authority"), required=False, max_length=200)
    need = forms.CharField(
        label=_("Need"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    timing = forms.CharField(label=_("Timing"), required=False, max_length=200)
    advance = forms.BooleanField(
        label=_("Make SQL when all four are filled"), required=False, initial=True
    )


class ReasonForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("Short, for the API, e.g. “budget-frozen”.")
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RejectionReason.Outcome.choices)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32000, initial=100)


class ReasonEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RejectionReason.Outcome.choices)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32000)
    active = forms.BooleanField(label=_("Active"), required=False)


class RejectionFilterForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("all reasons")), *_reason_choices(active_only=False)]

"""Forms of the scoring page: a fit rule, one trigger's points, grades and the MQL rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interlock.core.forms import add_service_errors
from interlock.leads import scoring
from interlock.leads.models import FitRule


def _attribute_choices() -> list[tuple[str, str]]:
    return [(name, str(attr.label)) for name, attr in scoring.ATTRIBUTES.items()]


class FitRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    field = forms.ChoiceField(label=_("Attribute"), choices=_attribute_choices)
    operator = forms.ChoiceField(label=_("Operator"), choices=FitRule.Operator.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=500,
        required=False,
        help_text=_(
            "For “is one of”, separate values with commas; for “matches the pattern”, "
            "a regular expression (case is ignored)."
        ),
    )
    points = forms.IntegerField(
        label=_("Points"),
        min_value=-1000,
        max_value=1000,
        help_text=_("Negative points subtract, e.g. −10 for a free-mail address."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "field" in data and "operator" in data:
            try:
                data["value"] = scoring.validate_rule(
                    data["field"], data["operator"], data.get("value", "")
                )
            except ValidationError as exc:
                add_service_errors(self, exc)
        return data


class EngagementRuleForm(forms.Form):
    trigger = forms.ChoiceField(label=_("Trigger"), choices=scoring.triggers)
    points = forms.IntegerField(label=_("Points"), min_value=-1000, max_value=1000)
    active = forms.BooleanField(label=_("Active"), required=False)


class ScoringSettingsForm(forms.Form):
    grade_a_min = forms.IntegerField(label=_("Grade A from (points)"))
    grade_b_min = forms.IntegerField(label=_("Grade B from (points)"))
    grade_c_min = forms.IntegerField(label=_("Grade C from (points)"))
    half_life_days = forms.IntegerField(
        label=_("Half-life of engagement (days)"),
        min_value=1,
        max_value=3650,
        help_text=_("After this many days an activity counts half, after twice as many a quarter."),
    )
    mql_enabled = forms.BooleanField(label=_("Promote to MQL automatically"), required=False)
    mql_min_grade = forms.ChoiceField(
        label=_("MQL: fit grade at least"), choices=[(g, g) for g in scoring.GRADES]
    )
    mql_min_engagement = forms.IntegerField(
        label=_("MQL: engagement at least"), min_value=0, max_value=100_000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b, c = (data.get(f"grade_{g}_min") for g in "abc")
        if None not in (a, b, c) and not (a > b > c):  # type: ignore[operator]
            self.add_error(
                "grade_b_min",
                _("Grades must descend: A needs more points than B, B more than C."),
            )
        return data

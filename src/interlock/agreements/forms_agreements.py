"""Forms of the agreement pages: new agreement, draft version, term, ladder step, actions.

Forms only parse what the browser sent; the authoring services check the
rules (two different teams, positive hours, a criterion the kind can read)
and their ``ValidationError`` is shown beside the field it names.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interlock.agreements.criteria import GRADES, OPERATORS
from interlock.agreements.models import EscalationStep, Term
from interlock.core import deliverables
from interlock.core.deliverables import Attribute
from interlock.core.forms import LocalDateTimeInput
from interlock.org.models import Team

OPERATOR_LABELS = {
    "is": _("is"),
    "is_not": _("is not"),
    "gte": _("at least"),
    "lte": _("at most"),
    "eq": _("equals"),
    "in": _("is one of"),
    "filled": _("is filled"),
    "empty": _("is empty"),
}


def _teams() -> Any:
    return Team.objects.order_by("name")


class NewAgreementForm(forms.Form):
    """A template (or blank) and the two parties."""

    template = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Needed for a blank agreement; a template brings its own."),
    )
    provider_team = forms.ModelChoiceField(
        label=_("Provider team (delivers)"), queryset=Team.objects.none()
    )
    receiver_team = forms.ModelChoiceField(
        label=_("Receiver team (receives and responds)"), queryset=Team.objects.none()
    )

    def __init__(self, *args: Any, template_keys: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template_keys = template_keys or []
        for name in ("provider_team", "receiver_team"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = _teams()

    def clean_template(self) -> str:
        key = str(self.cleaned_data.get("template") or "")
        if key and key not in self.template_keys:
            raise ValidationError(_("There is no template %(key)s.") % {"key": key})
        return key

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("template") and not str(data.get("title") or "").strip():
            self.add_error("title", _("Give the blank agreement a title."))
        return data


class VersionForm(forms.Form):
    """The editable fields of a draft version."""

    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    effective_from = forms.DateTimeField(label=_("Effective from"), widget=LocalDateTimeInput())
    effective_to = forms.DateTimeField(
        label=_("Effective until"),
        required=False,
        widget=LocalDateTimeInput(),
        help_text=_("Leave empty for an agreement without an end."),
    )


def _kind_choices() -> list[tuple[str, Any]]:
    return [(key, kind.label) for key, kind in sorted(deliverables.kinds().items())]


def _kind(key: str) -> deliverables.DeliverableKind | None:
    try:
        return deliverables.get(key)
    except LookupError:
        return None


class TermForm(forms.Form):
    """A term; which fields it has depends on its type and its deliverable kind.

    ``type`` and ``deliverable`` are read from the submitted data (or the
    initial values) before the other fields are built, so a "Refresh" (or the
    htmx swap on change) shows the fields that fit.
    """

    type = forms.ChoiceField(label=_("Type"), choices=Term.Type.choices)
    deliverable = forms.ChoiceField(label=_("Deliverable"))
    place = forms.ChoiceField(label=_("Delivered where"), required=False)
    # time
    hours = forms.DecimalField(
        label=_("Within business hours"), max_digits=7, decimal_places=2, min_value=Decimal("0.01")
    )
    at_risk_percent = forms.IntegerField(
        label=_("At risk after % of the time"), min_value=1, max_value=100, initial=75
    )
    # quantity and quality
    period = forms.ChoiceField(label=_("Period"), choices=Term.Period.choices)
    minimum = forms.IntegerField(label=_("At least"), min_value=0, required=False)
    maximum = forms.IntegerField(label=_("At most"), min_value=0, required=False)
    # quality
    attribute = forms.ChoiceField(label=_("Criterion: attribute"))
    op = forms.ChoiceField(label=_("Operator"))
    value = forms.CharField(
        label=_("Value"),
        max_length=200,
        required=False,
        help_text=_("For “is one of”: several values separated by commas."),
    )
    target_percent = forms.DecimalField(
        label=_("Target %"), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    min_sample = forms.IntegerField(label=_("Minimum sample"), min_value=1, required=False)

    BY_TYPE = {
        "time": ("hours", "at_risk_percent"),
        "quantity": ("period", "minimum", "maximum"),
        "quality": ("period", "attribute", "op", "value", "target_percent", "min_sample"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.data if self.is_bound else self.initial
        self.chosen_attribute: Attribute | None = None
        kinds = _kind_choices()
        self._set_choices("deliverable", kinds)
        term_type = str(source.get("type") or Term.Type.TIME)
        if term_type not in self.BY_TYPE:
            term_type = Term.Type.TIME
        key = str(source.get("deliverable") or (kinds[0][0] if kinds else ""))
        self.kind = _kind(key)
        self.term_type = term_type
        places: list[tuple[str, Any]] = [("", _("anywhere"))]
        if self.kind is not None:
            places += list(self.kind.places())
        self._set_choices("place", places)
        keep = {"type", "deliverable", "place", *self.BY_TYPE[term_type]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if term_type == "quality":
            self._criterion_fields(source)

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def _criterion_fields(self, source: Any) -> None:
        attributes = dict(self.kind.attributes) if self.kind is not None else {}
        self._set_choices("attribute", [(n, a.label) for n, a in attributes.items()])
        chosen = attributes.get(str(source.get("attribute") or "")) or next(
            iter(attributes.values()), None
        )
        self.chosen_attribute = chosen
        ops = OPERATORS[chosen.type] if chosen is not None else ()
        self._set_choices("op", [(op, OPERATOR_LABELS[op]) for op in ops])
        value = self.fields["value"]
        if chosen is None:
            return
        if chosen.type == "text":
            del self.fields["value"]
        elif chosen.type == "bool":
            self.fields["value"] = forms.ChoiceField(
                label=_("Value"), choices=[("true", _("yes")), ("false", _("no"))]
            )
        elif chosen.type == "grade":
            self.fields["value"] = forms.ChoiceField(
                label=_("Grade"), choices=[(g, g) for g in GRADES]
            )
        elif chosen.type == "choice" and chosen.choices:
            value.help_text = _("One of: %(choices)s (for “is one of”: separated by commas).") % {
                "choices": ", ".join(str(key) for key, _label in chosen.choices)
            }

    def criterion(self) -> dict[str, Any] | None:
        """The criterion as the service takes it (the service validates it)."""
        if self.term_type != "quality":
            return None
        data = self.cleaned_data
        criterion: dict[str, Any] = {"attribute": data.get("attribute"), "op": data.get("op")}
        raw = data.get("value")
        kind = self.chosen_attribute.type if self.chosen_attribute is not None else "text"
        if kind == "bool":
            criterion["value"] = raw == "true"
        elif kind == "choice" and data.get("op") == "in":
            criterion["value"] = [v.strip() for v in str(raw or "").split(",") if v.strip()]
        elif kind != "text":
            criterion["value"] = raw
        return criterion

    def service_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``term_add`` / ``term_update``."""
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "type": self.term_type,
            "deliverable": data["deliverable"],
            "place": data.get("place") or "",
        }
        for name in ("hours", "at_risk_percent", "minimum", "maximum"):
            if name in self.fields:
                kwargs[name] = data.get(name)
        if "period" in self.fields:
            kwargs["period"] = data.get("period") or ""
        if self.term_type == "quality":
            kwargs["criterion"] = self.criterion()
            kwargs["target_percent"] = data.get("target_percent")
            kwargs["min_sample"] = data.get("min_sample")
        return kwargs

    @staticmethod
    def initial_for(term: Term) -> dict[str, Any]:
        criterion = term.criterion or {}
        value = criterion.get("value", "")
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        return {
            "type": term.type,
            "deliverable": term.deliverable,
            "place": term.place,
            "hours": term.hours,
            "at_risk_percent": term.at_risk_percent,
            "period": term.period,
            "minimum": term.minimum,
            "maximum": term.maximum,
            "attribute": criterion.get("attribute", ""),
            "op": criterion.get("op", ""),
            "value": value,
            "target_percent": term.target_percent,
            "min_sample": term.min_sample,
        }


class StepForm(forms.Form):
    trigger = forms.ChoiceField(label=_("After"), choices=EscalationStep.Trigger.choices)
    offset_hours = forms.DecimalField(
        label=_("Business hours later"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        initial=0,
        help_text=_("0: at once."),
    )
    actions = forms.MultipleChoiceField(
        label=_("Actions"),
        choices=EscalationStep.Action.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the agreement ends.")},
    )


class SignForm(forms.Form):
    side = forms.ChoiceField(choices=[("provider", "provider"), ("receiver", "receiver")])

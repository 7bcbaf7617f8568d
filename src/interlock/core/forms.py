"""Forms of the platform pages, and helpers shared by every app's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from interlock.core import policy
from interlock.core.models import ApiToken, AuditEntry


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the value is wall time in the current zone."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field if the form has it."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “reporting script”."),
    )
    scope = forms.ChoiceField(label=_("Access"), choices=ApiToken.Scope.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not policy.can(user, "token.write_scope"):
            scope = self.fields["scope"]
            assert isinstance(scope, forms.ChoiceField)
            scope.choices = [(ApiToken.Scope.READ.value, ApiToken.Scope.READ.label)]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the token a name."))
        return str(name)


class ContentTypeChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        model = obj.model_class()
        return str(model._meta.verbose_name).capitalize() if model else str(obj.model)


class AuditFilterForm(forms.Form):
    """Filter the audit log by the kind of record and by who made the change."""

    model = ContentTypeChoiceField(
        label=_("Record type"),
        queryset=ContentType.objects.none(),
        required=False,
        empty_label=_("all"),
    )
    actor: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Changed by"), queryset=None, required=False, empty_label=_("anyone")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        used = AuditEntry.objects.values("content_type_id").distinct()
        model_field = self.fields["model"]
        actor_field = self.fields["actor"]
        assert isinstance(model_field, forms.ModelChoiceField)
        assert isinstance(actor_field, forms.ModelChoiceField)
        model_field.queryset = ContentType.objects.filter(pk__in=used).order_by(
            "app_label", "model"
        )
        actor_field.queryset = get_user_model().objects.order_by(
            "last_name", "first_name", "username"
        )

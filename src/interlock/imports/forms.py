"""Forms of the import pages: upload, mapping with options, alias."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from interlock.imports.fields import FIELDS, PRESET_CHOICES
from interlock.imports.models import Kind, ValueAlias

CREATE_CHOICES = (
    ("owners", _("owners that do not exist: create them as inactive users")),
    ("accounts", _("accounts that do not exist: create them by name")),
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (any delimiter; UTF-8 or Windows-1252) or Excel workbook (.xlsx)."),
    )
    kind = forms.ChoiceField(label=_("What does the file hold?"), choices=Kind.choices)
    preset = forms.ChoiceField(
        label=_("Exported from"),
        choices=(("", _("another system / my own columns")), *PRESET_CHOICES),
        required=False,
    )
    mapping = forms.ChoiceField(label=_("Saved mapping"), required=False)

    def __init__(self, *args: Any, mappings: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [("", _("none")), *mappings]  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.tsv,.xlsx"


class MappingForm(forms.Form):
    """One choice per file column, plus the import's options."""

    strict = forms.BooleanField(
        label=_("Strict: import nothing if any row is invalid"), required=False
    )
    create_missing = forms.MultipleChoiceField(
        label=_("When a row refers to a record that does not exist"),
        choices=CREATE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Unticked: the row is reported and not imported."),
    )
    team = forms.CharField(label=_("Team of created owners"), max_length=100, required=False)
    lost_reason = forms.CharField(
        label=_("Lost reason for lost deals that name none"), max_length=100, required=False
    )
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=100,
        required=False,
        help_text=_("Optional: the name to choose it by next time."),
    )

    def __init__(self, *args: Any, kind: str, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— do not import —"))] + [(f.name, f.label) for f in FIELDS[kind]]
        self.columns: list[tuple[str, str]] = []
        for position, header in enumerate(headers):
            name = f"col_{position}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("(column %(n)s without a name)") % {"n": position + 1},
                choices=choices,
                required=False,
            )
            self.columns.append((header, name))
        if kind != "deals":
            del self.fields["lost_reason"]
        if kind == "users":
            del self.fields["create_missing"]
            del self.fields["team"]

    def column_fields(self) -> list[Any]:
        return [self[name] for _header, name in self.columns]

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[name]
            for header, name in self.columns
            if header and self.cleaned_data.get(name)
        }

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "strict": bool(data.get("strict")),
            "create_missing": list(data.get("create_missing") or []),
            "team": data.get("team", ""),
            "lost_reason": data.get("lost_reason", ""),
        }


class AliasForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), choices=ValueAlias.Field.choices)
    alias = forms.CharField(label=_("Spelling in the file"), max_length=200)
    value = forms.CharField(label=_("Means"), max_length=200)

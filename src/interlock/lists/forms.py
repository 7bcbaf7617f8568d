"""Forms of the lists app: the bulk action bar and the saved-views menu."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from interlock.core import policy
from interlock.lists import registry
from interlock.lists.registry import ListSpec

MAX_DB_ID = 2**63 - 1
ACTION_LABELS = {
    registry.ASSIGN: _("Assign owner"),
    registry.ADD_TAG: _("Add tag"),
    registry.REMOVE_TAG: _("Remove tag"),
    registry.TRASH: _("Move to trash"),
}


class IdsField(forms.Field):
    """Row ids from repeated ``ids`` parameters (the row checkboxes)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids: list[int] = []
        for raw in values:
            text = str(raw).strip()
            if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_DB_ID:
                raise forms.ValidationError(_("The chosen rows are not valid; reload the list."))
            ids.append(int(text))
        return ids

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(_("Tick at least one row first."))


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


def teams_for(user: Any) -> Any:
    from interlock.org.models import Team

    teams = Team.objects.order_by("name")
    if policy.is_oversight(user):
        return teams
    return teams.filter(memberships__user=user).distinct()


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"))
    ids = IdsField(label=_("Rows"), required=False)
    # "Select all on page" without JavaScript: the page's ids travel along.
    all_on_page = forms.BooleanField(label=_("All rows on this page"), required=False)
    page_ids = IdsField(required=False)
    owner = UserChoiceField(label=_("New owner"), queryset=None, required=False)
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, spec: ListSpec, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, ACTION_LABELS[a]) for a in spec.actions]  # type: ignore[attr-defined]
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")
        )

    def clean_tag(self) -> str:
        value = str(self.cleaned_data.get("tag") or "")
        if "\x00" in value:
            raise forms.ValidationError(_("Text must not contain NUL characters."))
        return value.strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if data.get("all_on_page") and data.get("page_ids"):
            data["ids"] = data["page_ids"]
        if "ids" not in self.errors and "page_ids" not in self.errors and not data.get("ids"):
            self.add_error("ids", _("Tick at least one row first."))
        if action == registry.ASSIGN and not data.get("owner"):
            self.add_error("owner", _("Choose the new owner."))
        if action in (registry.ADD_TAG, registry.REMOVE_TAG) and not data.get("tag"):
            self.add_error("tag", _("Enter the tag."))
        return data

    def action_label(self) -> Any:
        return ACTION_LABELS.get(self.cleaned_data.get("action", ""), "")

    def error_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=100)
    query = forms.CharField(max_length=4000, required=False, widget=forms.HiddenInput)
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Share with team"), queryset=None, required=False, empty_label=_("only me")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_for(user)  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        value = str(self.cleaned_data.get("name") or "")
        if "\x00" in value:
            raise forms.ValidationError(_("Text must not contain NUL characters."))
        return value.strip()

    def clean_query(self) -> str:
        value = str(self.cleaned_data.get("query") or "")
        if "\x00" in value:
            raise forms.ValidationError(_("Text must not contain NUL characters."))
        return value

    def error_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class ShareForm(forms.Form):
    team: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Share with team"), queryset=None, required=False, empty_label=_("only me")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_for(user)  # type: ignore[attr-defined]

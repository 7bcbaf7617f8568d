"""Which lists exist and how each is filtered, shown, exported and changed in bulk.

Each app describes its lists in its own ``<app>/lists.py`` with a
:class:`ListSpec` and calls :func:`register`; ``lists/apps.py`` imports those
modules on start. The lists app then builds the shared pieces (columns,
saved views, tags, bulk actions, export) from the spec and never needs to
know an app's models or services.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language

# Bulk actions every list may offer, in the order of the action bar.
ASSIGN = "assign_owner"
ADD_TAG = "add_tag"
REMOVE_TAG = "remove_tag"
TRASH = "trash"
ACTIONS = (ASSIGN, ADD_TAG, REMOVE_TAG, TRASH)


def display(field: str, label: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    """A value getter for a field with few distinct values (choices, countries).

    ``str()`` of a lazy translation costs a catalogue lookup per row; an export
    of 20,000 rows would do it 100,000 times. The text is computed once per
    language and value instead (``label`` gives it; default the choice label).
    """
    texts: dict[tuple[str | None, Any], str] = {}

    def value(obj: Any) -> str:
        raw = getattr(obj, field)
        key = (get_language(), str(raw))
        found = texts.get(key)
        if found is None:
            made = label(obj) if label else getattr(obj, f"get_{field}_display")()
            found = texts[key] = "" if made is None else str(made)
        return found

    return value


@dataclass(frozen=True)
class Column:
    """One column: ``value(obj)`` is the plain value shown and exported."""

    key: str
    label: Any  # a lazy translation
    value: Callable[[Any], Any]
    default: bool = True
    link: bool = False  # the cell links to the record's page


@dataclass(frozen=True)
class ListSpec:
    key: str
    label: Any
    model: type[Model]
    url_name: str  # the list page
    view_rule: str
    write_rule: str
    # A filter form bound to the query (unknown keys are ignored).
    form: Callable[[Mapping[str, Any] | None], forms.Form]
    # The filtered, sorted rows for ``user`` from the form's cleaned data.
    rows: Callable[[Any, dict[str, Any]], QuerySet[Any]]
    columns: tuple[Column, ...]
    detail_url: Callable[[Any], str]
    # Bulk writes through the owning app's services (None: not offered).
    assign: Callable[..., Any] | None = None  # (actor=, obj=, owner=)
    trash: Callable[..., Any] | None = None  # (actor=, obj=)
    taggable: bool = True
    empty_text: Any = ""
    # A template adding one last cell to each row (e.g. a "Done" button), or "".
    row_template: str = ""
    # Invalid filters: True answers 422 with no rows; False ignores the bad fields.
    strict: bool = False

    @property
    def actions(self) -> tuple[str, ...]:
        offered = {
            ASSIGN: self.assign is not None,
            ADD_TAG: self.taggable,
            REMOVE_TAG: self.taggable,
            TRASH: self.trash is not None,
        }
        return tuple(a for a in ACTIONS if offered[a])

    def url(self) -> str:
        return reverse(self.url_name)

    def column_map(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def chosen_columns(self, keys: list[str] | None) -> list[Column]:
        """The columns named in ``keys`` (in list order); the defaults if none is valid."""
        wanted = set(keys or [])
        chosen = [c for c in self.columns if c.key in wanted]
        return chosen or [c for c in self.columns if c.default]


_specs: dict[str, ListSpec] = {}


def register(spec: ListSpec) -> ListSpec:
    _specs[spec.key] = spec
    return spec


def get(key: str) -> ListSpec:
    """The spec of list ``key``; Http404 for an unknown list."""
    try:
        return _specs[key]
    except KeyError:
        raise Http404(key) from None


def all_specs() -> list[ListSpec]:
    return list(_specs.values())


def keys() -> list[str]:
    return list(_specs)


def spec_for_model(model: type[Model]) -> ListSpec | None:
    return next((s for s in _specs.values() if s.model is model), None)

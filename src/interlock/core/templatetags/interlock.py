"""Template helpers for the page shell: policy questions and small formats."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from interlock.core import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, action: str, obj: Any = None) -> bool:
    """``{% can "absence.manage" absence as may_delete %}``: the policy, asked in a template."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return policy.can(user, action, obj)


@register.filter
def minutes_text(value: timedelta | None) -> str:
    """A cool-off period as "15 minutes" (rounded up, at least one)."""
    if not value:
        return ""
    minutes = max(1, -(-int(value.total_seconds()) // 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


@register.simple_tag(takes_context=True)
def nav_current(context: template.Context, section: str) -> str:
    """The attribute ``aria-current="page"`` on the navigation entry of the page shown.

    ``section`` is a URL namespace ("org") or, outside namespaces, a URL name.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    current = match.namespace or match.url_name or ""
    # A constant attribute, no user data in it.
    return mark_safe(' aria-current="page"') if current == section else ""


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``may|get_item:"org.view"``: dotted keys cannot be reached with ``.`` in templates."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None


_EMPTY = {None, "", "None"}


@register.filter
def audit_changes(entry: Any) -> list[tuple[str, str, str]]:
    """An audit entry's changes as (field label, old, new), for people to read.

    Reads only the entry itself (no query per foreign key, unlike auditlog's
    ``changes_display_dict``): labels and choices come from the model's fields,
    related rows show as ``#id``. Reverse relations, which auditlog lists on
    creation with empty values, are left out.
    """
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, values in (entry.changes_dict or {}).items():
        if not isinstance(values, list | tuple) or len(values) != 2:
            continue
        field = _field(model, name)
        if field is not None and field.is_relation and not field.concrete:
            continue
        label = str(getattr(field, "verbose_name", name))
        old, new = (_shown(field, value) for value in values)
        if old == new:
            continue
        rows.append((label, old, new))
    return rows


def _field(model: Any, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # a field since removed from the model
        return None


def _shown(field: Any, value: Any) -> str:
    if value in _EMPTY:
        return "—"
    text = str(value)
    choices = dict(getattr(field, "choices", None) or ())
    if choices:
        return str(choices.get(text, choices.get(_number(text), text)))
    if field is not None and field.is_relation:
        return f"#{text}"
    return text if len(text) <= 200 else text[:199] + "…"


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text

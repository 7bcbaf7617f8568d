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
    return mark_safe(' aria-current="page"') if current == section else ""  # noqa: S308


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``may|get_item:"org.view"``: dotted keys cannot be reached with ``.`` in templates."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None

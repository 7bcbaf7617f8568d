"""Reads of the routing page and API: rules in order, their conditions in words."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_countries import countries

from interlock.customers.models import Account
from interlock.leads.models import Assignment, LeadSettings, RoutingRule


def rules() -> QuerySet[RoutingRule]:
    return (
        RoutingRule.objects.select_related("team")
        .prefetch_related("members")
        .order_by("position", "id")
    )


def lead_settings() -> LeadSettings:
    return LeadSettings.objects.select_related("default_team").filter(pk=1).first() or LeadSettings(
        pk=1
    )


def describe(conditions: dict[str, Any], account_names: dict[int, str] | None = None) -> list[str]:
    """The conditions as short phrases ("country is DE or AT"); empty = matches every lead."""
    parts: list[str] = []
    sizes = dict(Account.Size.choices)
    if conditions.get("countries"):
        names = [str(countries.name(c)) or c for c in conditions["countries"]]
        parts.append(_("country: %(values)s") % {"values": ", ".join(names)})
    if conditions.get("states"):
        parts.append(_("state: %(values)s") % {"values": ", ".join(conditions["states"])})
    if conditions.get("regions"):
        parts.append(_("region: %(values)s") % {"values": ", ".join(conditions["regions"])})
    if conditions.get("sizes"):
        labels = [str(sizes.get(s, s)) for s in conditions["sizes"]]
        parts.append(_("size: %(values)s") % {"values": ", ".join(labels)})
    if conditions.get("accounts"):
        names = [
            (account_names or {}).get(pk, _("account %(id)s") % {"id": pk})
            for pk in conditions["accounts"]
        ]
        parts.append(_("named accounts: %(values)s") % {"values": ", ".join(names)})
    return parts


def rules_for_page() -> list[dict[str, Any]]:
    """Each rule with its conditions in words (one query for all named accounts)."""
    items = list(rules())
    ids = {pk for r in items for pk in (r.conditions or {}).get("accounts", [])}
    names = dict(Account.all_objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    return [
        {"rule": r, "words": describe(r.conditions or {}, names), "members": list(r.members.all())}
        for r in items
    ]


def recent_assignments(limit: int = 20) -> QuerySet[Assignment]:
    return Assignment.objects.select_related("contact", "team", "user", "intended_user").order_by(
        "-at", "-id"
    )[:limit]

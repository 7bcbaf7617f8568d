"""Routing: the first matching rule assigns (placeholder until the routing part lands).

Public interface (kept by the full version):
``route_contact(*, contact, at=None) -> Assignment`` — never returns nothing:
when no rule matches, the default queue (``LeadSettings.default_team``)
takes the lead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from interlock.leads.models import Assignment, LeadSettings
from interlock.org.models import Team


def default_team() -> Team:
    settings_row = LeadSettings.objects.select_related("default_team").filter(pk=1).first()
    if settings_row and settings_row.default_team and settings_row.default_team.deleted_at is None:
        return settings_row.default_team
    team = Team.objects.filter(function=Team.Function.SALES).order_by("id").first()
    return team or Team.objects.order_by("id").first()  # type: ignore[return-value]


def route_contact(*, contact: Any, at: datetime | None = None) -> Assignment:
    team = default_team()
    return Assignment.objects.create(
        contact=contact, team=team, rule_name="default queue", at=at or timezone.now()
    )

"""Access matrix of the API: (METHOD, path in OpenAPI) -> Case.

Used by tests/test_access_api.py (runs each case) and tests/test_access_coverage.py.
Each case runs once per role on a fresh database; ``params(people)`` may
create the rows the operation needs and returns the path placeholders.
A denied ``anon`` must get 401, every other denied role 403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
ALL_BUT_ADMIN = ("anon", "manager", "lead", "member", "marketer", "readonly")
OVERSIGHT = ("admin", "manager")
NOT_OVERSIGHT = ("anon", "lead", "member", "marketer", "readonly")
# Admins and the lead of Sales may change Sales; nobody else.
SALES_KEEPERS = ("admin", "lead")
NOT_SALES_KEEPERS = ("anon", "manager", "member", "marketer", "readonly")


def _member_token(people: Any) -> dict[str, Any]:
    from interlock.core.tokens import token_create

    token, _raw = token_create(user=people.member, name="member's", scope="read")
    return {"token_id": token.pk}


def _trashed_team(people: Any) -> dict[str, Any]:
    from interlock.core.trash import trash_move
    from tests.conftest import make_team

    team = make_team("Old", "old")
    trash_move(obj=team, actor=people.admin)
    return {"model": "org.team", "object_id": team.pk}


def _absence(people: Any) -> dict[str, Any]:
    from interlock.org.models import Absence

    now = timezone.now()
    absence = Absence.objects.create(
        user=people.member, deputy=people.lead, starts_at=now, ends_at=now + timedelta(days=2)
    )
    return {"absence_id": absence.pk}


def _absence_body(people: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "user_id": people.member.pk,
        "deputy_id": people.lead.pk,
        "starts_at": (now + timedelta(days=1)).isoformat(),
        "ends_at": (now + timedelta(days=3)).isoformat(),
        "reason": "holiday",
    }


def _sales(people: Any) -> dict[str, Any]:
    return {"team_id": people.sales.pk}


def _member(people: Any) -> dict[str, Any]:
    return {"user_id": people.member.pk}


_WEEK = [{"weekday": d, "start": "08:00", "end": "16:00"} for d in range(5)]

CASES: dict[tuple[str, str], Case] = {
    # --- platform
    ("GET", f"{P}/tokens"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/tokens"): Case(
        method="POST",
        body={"name": "ci", "scope": "read"},
        allowed=("admin", "manager", "lead", "member", "marketer"),
        denied=("anon", "readonly"),
    ),
    ("DELETE", f"{P}/tokens/{{token_id}}"): Case(
        method="DELETE",
        params=_member_token,
        allowed=("admin", "member"),
        denied=("anon", "manager", "lead", "marketer", "readonly"),
    ),
    ("GET", f"{P}/events"): Case(allowed=OVERSIGHT, denied=NOT_OVERSIGHT),
    ("GET", f"{P}/audit"): Case(allowed=OVERSIGHT, denied=NOT_OVERSIGHT),
    ("GET", f"{P}/trash"): Case(allowed=("admin",), denied=ALL_BUT_ADMIN),
    ("POST", f"{P}/trash/{{model}}/{{object_id}}/restore"): Case(
        method="POST",
        params=_trashed_team,
        allowed=("admin",),
        denied=ALL_BUT_ADMIN,
    ),
    # --- people
    ("GET", f"{P}/me"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("GET", f"{P}/users"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/users"): Case(
        method="POST",
        body={"username": "newbie", "email": "newbie@example.com"},
        allowed=("admin",),
        denied=ALL_BUT_ADMIN,
    ),
    ("GET", f"{P}/users/{{user_id}}"): Case(params=_member, allowed=SIGNED_IN, denied=("anon",)),
    ("PATCH", f"{P}/users/{{user_id}}"): Case(
        method="PATCH",
        params=_member,
        body={"title": "Account executive"},
        allowed=("admin",),
        denied=ALL_BUT_ADMIN,
    ),
    ("GET", f"{P}/users/{{user_id}}/effective-assignee"): Case(
        params=_member, allowed=SIGNED_IN, denied=("anon",)
    ),
    # --- teams
    ("GET", f"{P}/teams"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/teams"): Case(
        method="POST",
        body={"name": "Customer success"},
        allowed=("admin",),
        denied=ALL_BUT_ADMIN,
    ),
    ("GET", f"{P}/teams/{{team_id}}"): Case(params=_sales, allowed=SIGNED_IN, denied=("anon",)),
    ("PATCH", f"{P}/teams/{{team_id}}"): Case(
        method="PATCH",
        params=_sales,
        body={"description": "Closes deals."},
        allowed=("admin",),
        denied=ALL_BUT_ADMIN,
    ),
    ("DELETE", f"{P}/teams/{{team_id}}"): Case(
        method="DELETE",
        params=_sales,
        allowed=("admin",),
        denied=ALL_BUT_ADMIN,
    ),
    ("PUT", f"{P}/teams/{{team_id}}/members/{{user_id}}"): Case(
        method="PUT",
        params=lambda people: {"team_id": people.sales.pk, "user_id": people.marketer.pk},
        body={"role": "member"},
        allowed=SALES_KEEPERS,
        denied=NOT_SALES_KEEPERS,
    ),
    ("DELETE", f"{P}/teams/{{team_id}}/members/{{user_id}}"): Case(
        method="DELETE",
        params=lambda people: {"team_id": people.sales.pk, "user_id": people.member.pk},
        allowed=SALES_KEEPERS,
        denied=NOT_SALES_KEEPERS,
    ),
    # --- calendars
    ("GET", f"{P}/teams/{{team_id}}/calendar"): Case(
        params=_sales, allowed=SIGNED_IN, denied=("anon",)
    ),
    ("PUT", f"{P}/teams/{{team_id}}/calendar"): Case(
        method="PUT",
        params=_sales,
        body={"timezone": "Europe/Berlin", "country": "DE", "subdivision": "BY", "week": _WEEK},
        allowed=SALES_KEEPERS,
        denied=NOT_SALES_KEEPERS,
    ),
    ("GET", f"{P}/teams/{{team_id}}/calendar/due"): Case(
        path=f"{P}/teams/{{team_id}}/calendar/due?start=2026-03-02T10:00:00%2B01:00&hours=8",
        params=_sales,
        allowed=SIGNED_IN,
        denied=("anon",),
    ),
    ("GET", f"{P}/teams/{{team_id}}/calendar/business-hours"): Case(
        path=(
            f"{P}/teams/{{team_id}}/calendar/business-hours"
            "?start=2026-03-02T00:00:00Z&end=2026-03-09T00:00:00Z"
        ),
        params=_sales,
        allowed=SIGNED_IN,
        denied=("anon",),
    ),
    # --- absences
    ("GET", f"{P}/absences"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/absences"): Case(
        method="POST",
        body=_absence_body,
        allowed=("admin", "lead", "member"),
        denied=("anon", "manager", "marketer", "readonly"),
    ),
    ("DELETE", f"{P}/absences/{{absence_id}}"): Case(
        method="DELETE",
        params=_absence,
        allowed=("admin", "lead", "member"),
        denied=("anon", "manager", "marketer", "readonly"),
    ),
}


def _merge_app_cases() -> None:
    """Each app keeps its own cases in tests/<app>/access.py; they join here."""
    from tests.agreements import (
        access_agreements,
        access_disputes,
        access_requests,
        access_scorecards,
    )
    from tests.campaigns import access as campaigns
    from tests.customers import access as customers
    from tests.feedback import access as feedback
    from tests.imports import access as imports
    from tests.leads import (
        access_capture,
        access_handoff,
        access_reports,
        access_routing,
        access_scoring,
    )
    from tests.lists import access as lists
    from tests.notify import access as notify
    from tests.sales import access as sales
    from tests.search import access as search

    leads = (access_handoff, access_scoring, access_routing, access_capture, access_reports)
    agreements = (access_agreements, access_scorecards, access_disputes, access_requests)
    apps = (customers, sales, feedback, lists, imports, search, campaigns, notify)
    for module in (*apps, *leads, *agreements):
        clash = set(CASES) & set(module.API)
        assert not clash, f"access cases defined twice: {clash}"
        CASES.update(module.API)


_merge_app_cases()

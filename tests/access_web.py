"""Access matrix of the pages: url name -> who is allowed, who is denied.

Used by tests/test_access_web.py (runs each case) and tests/test_access_coverage.py.
Roles: see tests/conftest.py ROLES. ``denied`` anon means redirect to login.
``params(people)`` fills the URL's arguments and may create the rows a case needs.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from tests.access_types import Case

SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")


def _sales(people: Any) -> dict[str, Any]:
    return {"pk": people.sales.pk}


def _sales_member(people: Any) -> dict[str, Any]:
    return {"pk": people.sales.pk, "user_pk": people.member.pk}


def _holiday(people: Any) -> dict[str, Any]:
    from interlock.org.models import CompanyHoliday

    holiday = CompanyHoliday.objects.create(
        calendar=people.sales.calendar, date=date.today() + timedelta(days=30), name="Summer party"
    )
    return {"pk": holiday.pk}


def _members_absence(people: Any) -> dict[str, Any]:
    from interlock.org.models import Absence

    now = timezone.now()
    absence = Absence.objects.create(
        user=people.member, deputy=people.lead, starts_at=now, ends_at=now + timedelta(days=2)
    )
    return {"pk": absence.pk}


def _admins_token(people: Any) -> dict[str, Any]:
    from interlock.core.tokens import token_create

    token, _raw = token_create(user=people.admin, name="admin's")
    return {"pk": token.pk}


def _trashed_team(people: Any) -> dict[str, Any]:
    from interlock.core.trash import trash_move
    from tests.conftest import make_team

    team = make_team("Old team", "old-team")
    trash_move(obj=team, actor=people.admin)
    return {"label": "org.team", "pk": team.pk}


CASES: dict[str, Case] = {
    "dashboard": Case(allowed=SIGNED_IN, denied=("anon",)),
    "healthz": Case(allowed=("anon", "admin", "readonly"), denied=()),
    "login": Case(allowed=("anon",), denied=()),
    "logout": Case(method="POST", allowed=("anon", "member"), denied=()),
    "set_language": Case(
        method="POST", allowed=("anon", *SIGNED_IN), denied=(), body={"language": "de", "next": "/"}
    ),
    # --- platform ---
    "platform:tokens": Case(allowed=SIGNED_IN, denied=("anon",)),
    "platform:token_create": Case(
        method="POST", allowed=SIGNED_IN, denied=("anon",), body={"name": "script", "scope": "read"}
    ),
    "platform:token_revoke": Case(
        method="POST",
        params=_admins_token,
        allowed=("admin",),
        denied=("anon", "manager", "lead", "member", "marketer", "readonly"),
    ),
    "platform:trash": Case(
        allowed=("admin",), denied=("anon", "manager", "lead", "member", "marketer", "readonly")
    ),
    "platform:trash_restore": Case(
        method="POST",
        params=_trashed_team,
        allowed=("admin",),
        denied=("anon", "manager", "lead", "member", "marketer", "readonly"),
    ),
    "platform:audit": Case(
        allowed=("admin", "manager"), denied=("anon", "lead", "member", "marketer", "readonly")
    ),
    # --- organisation ---
    "org:teams": Case(allowed=SIGNED_IN, denied=("anon",)),
    "org:team": Case(params=_sales, allowed=SIGNED_IN, denied=("anon",)),
    "org:team_member_add": Case(
        method="POST",
        params=_sales,
        allowed=("admin", "lead"),
        denied=("anon", "manager", "member", "marketer", "readonly"),
        body=lambda people: {"user": people.marketer.pk, "role": "member"},
    ),
    "org:team_member_role": Case(
        method="POST",
        params=_sales_member,
        allowed=("admin", "lead"),
        denied=("anon", "manager", "member", "marketer", "readonly"),
        body={"role": "lead"},
    ),
    "org:team_member_remove": Case(
        method="POST",
        params=_sales_member,
        allowed=("admin", "lead"),
        denied=("anon", "manager", "member", "marketer", "readonly"),
    ),
    "org:calendar_edit": Case(
        params=_sales,
        allowed=("admin", "lead"),
        denied=("anon", "manager", "member", "marketer", "readonly"),
    ),
    "org:holiday_add": Case(
        method="POST",
        params=_sales,
        allowed=("admin", "lead"),
        denied=("anon", "manager", "member", "marketer", "readonly"),
        body=lambda people: {
            "date": (date.today() + timedelta(days=40)).isoformat(),
            "name": "Team day",
        },
    ),
    "org:holiday_remove": Case(
        method="POST",
        params=_holiday,
        allowed=("admin", "lead"),
        denied=("anon", "manager", "member", "marketer", "readonly"),
    ),
    "org:due_calculator": Case(
        params=_sales,
        allowed=SIGNED_IN,
        denied=("anon",),
        extra={"query": {"start": "2026-03-02T09:00", "hours": "8"}},
    ),
    "org:absences": Case(allowed=SIGNED_IN, denied=("anon",)),
    "org:absence_create": Case(allowed=WRITERS, denied=("anon", "readonly")),
    "org:absence_delete": Case(
        method="POST",
        params=_members_absence,
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
        clash = set(CASES) & set(module.WEB)
        assert not clash, f"access cases defined twice: {clash}"
        CASES.update(module.WEB)


_merge_app_cases()

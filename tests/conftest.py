"""Shared fixtures: named users with different rights, teams, clients."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from interlock.core.tokens import token_create
from interlock.org.models import BusinessCalendar, Membership, Team, User, WorkingHours

PASSWORD = "correct horse battery staple"

# Public test data lives beside the repository (../shared/corpora); a user's
# clone has none, and the tests that need it skip with a message there.
CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def naughty_strings() -> list[str]:
    """The big list of naughty strings, or skip the calling test with a message."""
    path = CORPORA / "naughty-strings" / "blns.json"
    if not path.exists():
        pytest.skip(f"{path} not found (only the project's workspace has ../shared): skipped")
    return [s for s in json.loads(path.read_text(encoding="utf-8")) if isinstance(s, str)]


@dataclass
class People:
    """The cast of every permission test; ``anon`` is no user at all."""

    admin: User
    manager: User
    lead: User  # team lead of Sales
    member: User  # member of Sales
    marketer: User  # member of Marketing, not of Sales
    readonly: User
    inactive: User
    sales: Team
    marketing: Team

    def get(self, name: str) -> User | None:
        return None if name == "anon" else getattr(self, name)


ROLES = ("anon", "admin", "manager", "lead", "member", "marketer", "readonly")


def make_team(name: str, slug: str) -> Team:
    functions = {"marketing": "marketing", "sales": "sales", "support": "customer_success"}
    team = Team.objects.create(name=name, slug=slug, function=functions.get(slug, "other"))
    calendar = BusinessCalendar.objects.create(
        team=team, timezone="Europe/Berlin", country="DE", subdivision="BW"
    )
    from datetime import time

    WorkingHours.objects.bulk_create(
        WorkingHours(calendar=calendar, weekday=d, start=time(9), end=time(17)) for d in range(5)
    )
    return team


def make_user(username: str, role: str = "member", **extra: Any) -> User:
    user = User(
        username=username,
        email=f"{username}@example.com",
        role=role,
        first_name=username.capitalize(),
        last_name="Test",
        **extra,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def people(db: Any) -> People:
    sales = make_team("Sales", "sales")
    marketing = make_team("Marketing", "marketing")
    admin = make_user("admin", "admin", is_staff=True, is_superuser=True)
    lead = make_user("lead")
    member = make_user("member")
    marketer = make_user("marketer")
    Membership.objects.create(user=lead, team=sales, role=Membership.Role.LEAD)
    Membership.objects.create(user=member, team=sales)
    Membership.objects.create(user=marketer, team=marketing)
    return People(
        admin=admin,
        manager=make_user("manager", "management"),
        lead=lead,
        member=member,
        marketer=marketer,
        readonly=make_user("readonly", "readonly"),
        inactive=make_user("inactive", is_active=False),
        sales=sales,
        marketing=marketing,
    )


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate limits and login throttles must not leak from one test to the next."""
    cache.clear()


@pytest.fixture
def client_as(people: People):  # type: ignore[no-untyped-def]
    """``client_as("lead")`` returns a browser-like client signed in as that person."""

    def make(name: str) -> Client:
        client = Client()
        user = people.get(name)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_as(people: People):  # type: ignore[no-untyped-def]
    """``api_as("member", scope="write")`` returns a client sending a Bearer token."""

    def make(name: str, scope: str = "write") -> Client:
        user = people.get(name)
        if user is None:
            return Client()
        if scope == "write" and user.role == "readonly":
            scope = "read"
        _token, raw = token_create(user=user, name="test", scope=scope)
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make

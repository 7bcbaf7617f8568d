"""Demo data: a registry of seed functions that apps fill in their AppConfig.ready().

``interlock demo`` runs every registered seeder in order, in one transaction,
through the apps' services. Core knows no app: each app registers what it
seeds (``org`` the company, its people, teams and calendars; later apps their
customers, leads, deals …) and, optionally, the demo logins it creates.

Seeding is deterministic: every seeder gets its own ``random.Random`` derived
from the seed and its name, so the same seed gives the same data (relative to
today's date), and adding a seeder does not change what the others make.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

DEFAULT_SEED = 20240501
# A documented password for the demo accounts only; never use it anywhere else.
DEMO_PASSWORD = "interlock-demo"  # noqa: S105


@dataclass(frozen=True)
class Login:
    """A demo account to show at the end of seeding."""

    role: str
    username: str
    password: str
    name: str = ""


@dataclass
class DemoContext:
    seed: int
    scale: int
    rng: random.Random
    today: date
    now: datetime
    actor: Any = None  # the acting admin once a seeder has created one
    logins: list[Login] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)  # what seeders hand on
    log: Callable[[str], None] = print


Seeder = Callable[[DemoContext], None]


@dataclass(frozen=True)
class _Entry:
    name: str
    order: int
    seeder: Seeder
    logins: Callable[[], Iterable[Login]] | None


_registry: dict[str, _Entry] = {}


def register(
    name: str,
    seeder: Seeder,
    *,
    order: int = 100,
    logins: Callable[[], Iterable[Login]] | None = None,
) -> None:
    """Add (or replace) the seeder ``name``; lower ``order`` runs first.

    ``logins`` lists the accounts the seeder creates, so ``demo --if-empty``
    can print them again without seeding.
    """
    _registry[name] = _Entry(name, order, seeder, logins)


def unregister(name: str) -> None:
    _registry.pop(name, None)


def seeders() -> list[tuple[str, Seeder]]:
    entries = sorted(_registry.values(), key=lambda e: (e.order, e.name))
    return [(e.name, e.seeder) for e in entries]


def known_logins() -> list[Login]:
    """The demo accounts of every seeder that still exist in the database."""
    wanted: list[Login] = []
    for entry in sorted(_registry.values(), key=lambda e: (e.order, e.name)):
        if entry.logins is not None:
            wanted.extend(entry.logins())
    users = get_user_model().objects.filter(username__in=[login.username for login in wanted])
    existing = set(users.values_list("username", flat=True))
    return [login for login in wanted if login.username in existing]


def is_empty() -> bool:
    """True before anybody has an account (the first start of a trial)."""
    return not get_user_model().objects.exists()


def seed(
    *, seed: int = DEFAULT_SEED, scale: int = 0, log: Callable[[str], None] = print
) -> DemoContext:
    """Run every seeder in one transaction; returns the context with the logins."""
    now = timezone.now()
    ctx = DemoContext(
        seed=seed,
        scale=scale,
        rng=random.Random(seed),
        today=timezone.localdate(now),
        now=now,
        log=log,
    )
    with transaction.atomic():
        for name, seeder in seeders():
            ctx.rng = random.Random(f"{seed}:{name}")
            seeder(ctx)
    return ctx


def format_logins(logins: Iterable[Login]) -> str:
    rows = [("role", "username", "password", "name")]
    rows += [(login.role, login.username, login.password, login.name) for login in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

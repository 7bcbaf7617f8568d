"""Demo data: a registry of seed functions that apps fill in their AppConfig.ready().

``interlock demo`` runs every registered seeder in order, in one transaction,
through the apps' services. Core knows no app: each app registers what it
seeds (``org`` the company, its people, teams and calendars; later apps their
customers, leads, deals …) and, optionally, the demo logins it creates.

Seeding is deterministic: every seeder gets its own ``random.Random`` derived
from the seed and its name, so the same seed gives the same data (relative to
today's date), and adding a seeder does not change what the others make.

**Size.** The full demo is a company with two years of history (about 2,000
accounts, 8,000 contacts, a few hundred deals and quotes, complaints and
ideas). ``INTERLOCK_DEMO_PERCENT`` (1–100, default 100) or ``seed(percent=…)``
makes a smaller one with the same shape — tests use it; seeders scale their
counts with :meth:`DemoContext.count`.

**History.** Seeders write through the services (or the bulk path) and pass
the historical moment (``created_at`` / ``at`` / ``occurred_at``), so events,
timeline entries, deal stage history, quote and complaint times all carry
their real dates; nothing is patched afterwards. Only the audit trail says
when the demo was actually written.

**Delivery.** A seed writes tens of thousands of events. Before the
transaction ends, :func:`deliver_seeded` hands the seed's pending deliveries
to their subscribers in bulk — through a seed-only projection an app
registered with :func:`register_bulk_projection`, else the subscriber's batch
handler (``events.handle_many``: the timeline writes all its rows with a few
INSERTs), else event by event — and marks them done, so the first
page after ``interlock demo`` is complete without waiting for the worker.
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

from interlock.core.env import env_int

DEFAULT_SEED = 20240501
PERCENT_VARIABLE = "INTERLOCK_DEMO_PERCENT"
_CHUNK = 2000
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
    percent: int = 100  # size of the demo relative to the full one

    def count(self, full: int) -> int:
        """``full`` scaled to the demo's size (at least 1 when ``full`` is)."""
        if full <= 0:
            return 0
        return max(1, round(full * self.percent / 100))


Seeder = Callable[[DemoContext], None]
BulkProjection = Callable[[list[Any]], None]
_bulk_projections: dict[str, BulkProjection] = {}


def register_bulk_projection(subscriber: str, handler: BulkProjection) -> None:
    """Let :func:`deliver_seeded` hand ``subscriber`` many events at once.

    ``handler(events)`` must do what the subscriber's per-event handler does
    for each of them (idempotently), in the caller's transaction.
    """
    _bulk_projections[subscriber] = handler


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


def default_percent() -> int:
    return env_int(PERCENT_VARIABLE, 100, minimum=1, maximum=100)


def seed(
    *,
    seed: int = DEFAULT_SEED,
    scale: int = 0,
    log: Callable[[str], None] = print,
    percent: int | None = None,
) -> DemoContext:
    """Run every seeder in one transaction; returns the context with the logins.

    ``percent`` (default ``INTERLOCK_DEMO_PERCENT`` or 100) sizes the demo.
    """
    from interlock.core.models import Event

    now = timezone.now()
    ctx = DemoContext(
        seed=seed,
        scale=scale,
        rng=random.Random(seed),
        today=timezone.localdate(now),
        now=now,
        log=log,
        percent=default_percent() if percent is None else percent,
    )
    if not 1 <= ctx.percent <= 100:
        raise ValueError("percent must lie between 1 and 100")
    from interlock.core import events

    # The seed delivers its own events before commit, so no per-event queue task.
    with events.enqueue_held(), transaction.atomic():
        last = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for name, seeder in seeders():
            ctx.rng = random.Random(f"{seed}:{name}")
            seeder(ctx)
        # Subscribers record events of their own (a won deal makes a customer),
        # so deliver until nothing new is pending (bounded: no endless chain).
        delivered = 0
        for _pass in range(10):
            done = deliver_seeded(after_event_id=last)
            delivered += done
            if not done:
                break
    log(f"Delivered {delivered} event notifications of the seed.")
    return ctx


def deliver_seeded(*, after_event_id: int = 0) -> int:
    """Deliver the pending deliveries of events newer than ``after_event_id`` now.

    Runs in the caller's transaction (a failing subscriber fails the seed).
    Subscribers with a registered bulk projection get the events in chunks;
    the others event by event, oldest first. Returns how many were delivered.
    """
    from interlock.core import events
    from interlock.core.models import Event, EventDelivery

    pending = EventDelivery.objects.filter(
        event_id__gt=after_event_id, status=EventDelivery.Status.PENDING
    )
    names = sorted(set(pending.values_list("subscriber", flat=True)))
    subscribers = events.subscribers()
    done = 0
    for name in names:
        ids = list(
            pending.filter(subscriber=name).order_by("event_id").values_list("event_id", flat=True)
        )
        bulk = _bulk_projections.get(name) or events.many_handler(name)
        subscriber = subscribers.get(name)
        if bulk is None and subscriber is None:
            continue  # nobody to deliver to: the periodic sweep reports it
        for start in range(0, len(ids), _CHUNK):
            chunk = list(Event.objects.filter(pk__in=ids[start : start + _CHUNK]).order_by("pk"))
            if bulk is not None:
                bulk(chunk)
            else:
                assert subscriber is not None
                for event in chunk:
                    subscriber.handler(event)
        done += pending.filter(subscriber=name).update(
            status=EventDelivery.Status.DONE, delivered_at=timezone.now(), attempts=1
        )
    return done


def format_logins(logins: Iterable[Login]) -> str:
    rows = [("role", "username", "password", "name")]
    rows += [(login.role, login.username, login.password, login.name) for login in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)

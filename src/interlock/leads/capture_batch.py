"""The worker's path for stored submissions: new contacts set-based, the rest one by one.

``drain`` takes the ``pending`` captures in order, ``BATCH`` at a time. In
one transaction per batch, the submissions that make a **new** contact
(an e-mail no live contact has, its first submission in the batch, with a
domain or no company at all) are written set-based — accounts and contacts
through the customer record's bulk writer (audit entries and events
included), lead profiles already scored, the first lifecycle move, campaign
members and responses, the captures themselves and every event, a few
statements per table for the whole batch. What it writes is what
``capture_one.process_one`` writes for the same submission; the test
``tests/leads/test_capture_batch.py`` compares both.

Everything else (an existing contact to fill gaps in, a phone-only or
company-only lead, a second submission of one address) goes through
``process_one`` after the batch, in order. If the set-based step fails, the
batch rolls back and every submission of it goes through ``process_one``,
which keeps the reason of any that cannot be processed: nothing is lost.
New contacts the MQL rule promotes are handed off through routing in the
same transaction, set-based too (``capture_promote``).
"""

# Table and column names in SQL come from the models' _meta; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from interlock.campaigns.models import Campaign
from interlock.core import policy
from interlock.core.context import Source as ActingSource
from interlock.core.context import acting
from interlock.core.pacing import Pace
from interlock.customers import bulk_write
from interlock.customers.bulk_rules import ACCOUNTS, CONTACTS
from interlock.customers.bulk_write import select_in
from interlock.customers.models import Account, Contact
from interlock.leads import capture_write as write
from interlock.leads import intake
from interlock.leads.capture_one import process_one
from interlock.leads.capture_promote import promote
from interlock.leads.capture_write import ACCOUNT_VALUES, Item
from interlock.leads.models import Capture, Stage
from interlock.leads.services_capture import data_of, lock_keys
from interlock.org import bulk as ob
from interlock.org.models import User

log = logging.getLogger(__name__)
# A batch holds SQLite's one write lock while it writes (new submissions wait
# that long): its size follows the write budget (``core.pacing``), at most
# LEAD_CAPTURE_BATCH.
BATCH = 100
_paces: dict[int, Pace] = {}


def batch_size() -> int:
    """Setting LEAD_CAPTURE_BATCH (env INTERLOCK_LEAD_CAPTURE_BATCH), default ``BATCH``."""
    from django.conf import settings

    return max(1, int(getattr(settings, "LEAD_CAPTURE_BATCH", BATCH)))


def _pace() -> Pace:
    most = batch_size()
    if most not in _paces:
        _paces[most] = Pace(start=min(20, most), most=most, least=min(5, most))
    return _paces[most]


def drain(*, limit: int | None = None, batch: int | None = None) -> int:
    """Process pending captures in order until none is left (or ``limit``).

    ``batch`` fixes the batch size; by default it follows the write budget.
    Returns how many it took; with several workers at once, a submission
    that another worker finished first may be counted by both.
    """
    done = 0
    while limit is None or done < limit:
        size = batch or _pace().size()
        size = size if limit is None else min(size, limit - done)
        intake.absorb(limit=max(size, 200))  # what waits in the intake file (SQLite)
        count = process_batch(size)
        if not count:
            break
        done += count
    return done


_LOADED = (
    "id",
    "form_id",
    "campaign_id",
    "channel",
    "consent_text",
    "utm",
    "at",
    "payload",
    "actor_id",
)


def _pending(size: int) -> list[Capture]:
    """The oldest pending captures (locked, skipping those another worker holds)."""
    query = Capture.objects.filter(status=Capture.Status.PENDING).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True)
    rows = list(query.values(*_LOADED)[:size])
    campaigns = {
        c.pk: c for c in Campaign.all_objects.filter(pk__in={r["campaign_id"] for r in rows})
    }
    actors = {u.pk: u for u in User.objects.filter(pk__in={r["actor_id"] for r in rows})}
    found = []
    for row in rows:
        capture = Capture(status=Capture.Status.PENDING, **row)
        capture.campaign = campaigns.get(row["campaign_id"])
        capture.actor = actors.get(row["actor_id"])
        found.append(capture)
    return found


def process_batch(size: int = BATCH) -> int:
    """One batch: the new contacts set-based in one transaction, then the rest one by one."""
    captures: list[Capture] = []
    bulk: list[Item] = []
    single: list[Item] = []
    try:
        with transaction.atomic(), ob.one_delivery():
            started = time.perf_counter()  # the lock is held from here
            captures = _pending(size)
            if not captures:
                return 0
            items = [Item(capture=c, data=data_of(c)) for c in captures]
            lock_keys(*_keys(items))
            bulk, single = _split(items)
            for group in _groups(bulk):
                _write_group(group)
    except Exception:  # any failure of the set-based step: one by one instead
        if not captures:
            raise
        log.exception("set-based capture failed; processing the batch one by one")
        bulk, single = [], [Item(capture=c, data=data_of(c)) for c in captures]
    else:
        _pace().took(len(captures), time.perf_counter() - started)
    # After the batch commits: the rest one by one, one transaction each.
    for item in single:
        item.capture.refresh_from_db()
        process_one(item.capture)
    return len(captures)


def _keys(items: Sequence[Item]) -> list[str]:
    keys = set()
    for item in items:
        data = item.data
        keys.add(f"email:{data.email or data.phone}")
        keys.add(f"domain:{data.domain or data.company}")
    return sorted(keys)


def _split(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """Which submissions make a new contact set-based; the rest go one by one."""
    emails = sorted({i.data.email for i in items if i.data.email})
    with connection.cursor() as cursor:
        taken = {
            row[0]
            for row in select_in(
                cursor,
                f"SELECT email FROM {Contact._meta.db_table} WHERE deleted_at IS NULL",
                "email",
                emails,
            )
        }
    bulk: list[Item] = []
    single: list[Item] = []
    allowed: dict[int | None, bool] = {}
    for item in items:
        data, actor = item.data, item.capture.actor
        if actor is not None and actor.pk not in allowed:
            allowed[actor.pk] = policy.can(actor, "customer.write")
        simple = (
            data.email
            and data.email not in taken
            and (data.domain or not data.company)
            and (actor is None or allowed[actor.pk])
        )
        if simple:
            taken.add(data.email)
            bulk.append(item)
        else:
            single.append(item)
    return bulk, single


def _groups(items: list[Item]) -> list[list[Item]]:
    """Items of one sender (actor, channel, address) share the audit context."""
    found: dict[tuple[Any, ...], list[Item]] = {}
    for item in items:
        c = item.capture
        found.setdefault((c.actor_id, c.channel, c.payload.get("ip") or ""), []).append(item)
    return list(found.values())


def _write_group(items: list[Item]) -> None:
    capture = items[0].capture
    source = ActingSource.API if capture.channel == "api" else ActingSource.SYSTEM
    address = capture.payload.get("ip") or None
    with acting(capture.actor, source, address), connection.cursor() as cursor:
        _accounts(cursor, items)
        _contacts(cursor, items)
        write.profiles(items)
        write.transitions(cursor, items)
        write.captures(cursor, items)
        write.responses(cursor, items)
        write.captured_events(cursor, items)
        promote(cursor, items)


# --- accounts and contacts ------------------------------------------------------------


def _accounts(cursor: Any, items: list[Item]) -> None:
    domains = sorted({i.data.domain for i in items if i.data.domain})
    if not domains:
        return
    cols = ("id", "domain", *ACCOUNT_VALUES)
    found: dict[str, tuple[Any, ...]] = {}
    rows = select_in(
        cursor,
        f"SELECT {', '.join(cols)} FROM {Account._meta.db_table} WHERE deleted_at IS NULL",
        "domain",
        domains,
    )
    for row in sorted(rows, key=lambda r: r[0]):
        found.setdefault(row[1], row)
    new: dict[str, dict[str, Any]] = {}
    for item in items:
        domain = item.data.domain
        if domain and domain not in found and domain not in new:
            fields = {"name": item.data.company or domain, "domain": domain}
            fields["country"] = item.data.country
            new[domain] = fields
    if new:
        ids = bulk_write.insert(cursor, ACCOUNTS, list(new.values()), item.capture.actor)
        for pk, fields in zip(ids, new.values(), strict=True):
            values = {name: str(fields.get(name) or "") for name in ACCOUNT_VALUES}
            found[fields["domain"]] = (pk, fields["domain"], *values.values())
    for item in items:
        if item.data.domain:
            row = found[item.data.domain]
            item.account_id = row[0]
            item.account_values = dict(
                zip(ACCOUNT_VALUES, (str(v or "") for v in row[2:]), strict=True)
            )


def _contacts(cursor: Any, items: list[Item]) -> None:
    rows = []
    for item in items:
        data = item.data
        item.stage = Stage.SUBSCRIBER if data.newsletter_only else Stage.LEAD
        rows.append(
            {
                "first_name": data.first_name,
                "last_name": data.last_name or data.email.split("@", 1)[0],
                "email": data.email,
                "phone": data.phone,
                "title": data.title,
                "account_id": item.account_id,
                "lifecycle_stage": item.stage,
            }
        )
    # Scored in this transaction (capture_write.profiles): scoring's subscriber skips them.
    ids = bulk_write.insert(
        cursor, CONTACTS, rows, items[0].capture.actor, event_extra={"scored": True}
    )
    for item, pk in zip(items, ids, strict=True):
        item.contact_id = pk

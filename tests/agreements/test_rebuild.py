"""A rebuild from the event log gives the rows live handling gave, and keeps history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from interlock.agreements import clock, engine, projection, rebuild
from interlock.agreements.models import (
    BreachDispute,
    Deliverable,
    EscalationRun,
    Obligation,
)
from interlock.core.models import Event
from interlock.org.models import Absence
from tests.agreements.factories import (
    TEST_KIND,
    fake_kind,
    make_active_agreement,
    record_test_event,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
THU = datetime(2025, 10, 2, 16, 0, tzinfo=BERLIN)
MON_16 = datetime(2025, 10, 6, 16, 0, tzinfo=BERLIN)
NOW = MON_16 + timedelta(days=2)


@pytest.fixture(autouse=True)
def _kind() -> Iterator[Any]:
    with fake_kind() as kind:
        yield kind


def snapshot() -> list[tuple[Any, ...]]:
    deliverables = sorted(
        (d.kind, d.key, d.delivered_at, d.fulfilled_at, d.cancelled_at, d.place, d.assignee_id)
        for d in Deliverable.objects.all()
    )
    obligations = sorted(
        (
            o.deliverable.key,
            o.term_id,
            o.status,
            o.opened_at,
            o.at_risk_at,
            o.due_at,
            o.fulfilled_at,
            o.breached_at,
            o.business_seconds,
            o.check_at,
            o.assignee_id,
            o.routed_to_id,
            o.team_id,
            o.fulfilled_by_default,
            o.waived,
            o.problem,
        )
        for o in Obligation.objects.select_related("deliverable")
    )
    runs = sorted(
        (r.obligation.deliverable.key, r.step_id, r.due_at, r.ran_at)
        for r in EscalationRun.objects.select_related("obligation__deliverable")
    )
    return [*deliverables, *obligations, *runs]


def live(people: Any) -> None:
    """Events handled as they come, the clock ticking now and then."""
    made = make_active_agreement(
        people,
        deliverable=TEST_KIND,
        ladder=[("at_risk", 0, ["notify_assignee"]), ("breach", 2, ["notify_team_lead"])],
    )
    make_active_agreement(
        people,
        deliverable=TEST_KIND,
        hours=2,
        place="queue:a",
        provider=people.sales,
        receiver=people.marketing,
        title="Sales → Marketing",
    )
    Absence.objects.create(
        user=people.member, deputy=people.lead, starts_at=THU, ends_at=THU + timedelta(days=1)
    )
    s, m = people.sales, people.member.pk
    script = [
        ("delivered", "a", THU, {"assignee_id": m}),
        ("delivered", "b", THU, {"place": "queue:a"}),
        ("done", "c", THU, {}),
        ("delivered", "c", THU - timedelta(hours=1), {}),
        ("delivered", "d", THU + timedelta(hours=1), {}),
        ("cancelled", "d", THU + timedelta(hours=2), {}),
        ("delivered", "e", THU, {}),
        ("delivered", "a", THU + timedelta(hours=1), {"assignee_id": m}),  # duplicate
    ]
    for action, key, at, payload in script:
        engine.handle(record_test_event(action, key, at=at, subject=s, **payload))
    clock.tick(now=MON_16 + timedelta(hours=1))
    ob = Obligation.objects.get(deliverable__key="e", term=made.term)
    engine.reassign(ob, people.marketer.pk, at=MON_16 + timedelta(hours=1))
    engine.fulfil_by_default(ob, MON_16 + timedelta(hours=2))
    engine.handle(record_test_event("done", "b", at=MON_16, subject=s))
    clock.tick(now=NOW)
    breached = Obligation.objects.get(deliverable__key="a")
    BreachDispute.objects.create(
        agreement=made.agreement,
        obligation=breached,
        deliverable_kind=TEST_KIND,
        deliverable_key="a",
        term_id_ref=breached.term_id,
        reason="The lead had no phone number.",
        raised_by=people.lead,
        raised_at=NOW,
        status=BreachDispute.Status.WAIVED,
    )
    Obligation.objects.filter(pk=breached.pk).update(waived=True)


def test_rebuild_gives_the_same_rows_and_keeps_history(people: Any) -> None:
    live(people)
    before = snapshot()
    assert EscalationRun.objects.count() >= 3
    events_before = Event.objects.count()
    counts = rebuild.rebuild(now=NOW)
    assert counts["obligations"] == Obligation.objects.count()
    assert snapshot() == before
    dispute = BreachDispute.objects.get()
    assert dispute.obligation is not None and dispute.obligation.deliverable.key == "a"
    assert Event.objects.count() == events_before  # nothing recorded again
    assert clock.tick(now=NOW)["escalations"] == 0


def test_rebuild_command(people: Any) -> None:
    live(people)
    before = snapshot()
    call_command("agreements", "rebuild", "--quiet")
    assert len(snapshot()) == len(before)  # the same rows (clock states are as of now)


def _many(people: Any) -> None:
    """Deliverables in every closing state, at odd moments (evenings, the holiday, microseconds)."""
    make_active_agreement(people, deliverable=TEST_KIND, hours=Decimal("7.3"), at_risk_percent=60)
    s = people.sales
    start = THU - timedelta(days=3)
    for i in range(60):
        at = start + timedelta(hours=5 * i, minutes=7 * i, microseconds=i * 137)
        key = f"k{i}"
        engine.handle(record_test_event("delivered", key, at=at, subject=s))
        if i % 5 == 4:
            engine.handle(
                record_test_event("cancelled", key, at=at + timedelta(hours=3), subject=s)
            )
        elif i % 7 != 6:  # some stay open
            done = at + timedelta(hours=(i * 3) % 40, seconds=i)
            engine.handle(record_test_event("done", key, at=done, subject=s))


def test_fast_rows_equal_the_general_rows(people: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The replay's microsecond fast path writes exactly what the general path writes."""
    _many(people)
    live_rows = snapshot()
    made: list[Any] = []
    row = projection.ClosedRows.row
    monkeypatch.setattr(
        projection.ClosedRows, "row", lambda *a, **k: made.append(row(*a, **k)) or made[-1]
    )
    counts = rebuild.rebuild(now=NOW)
    fast = snapshot()
    assert len([r for r in made if r is not None]) >= 40  # the fast path did the closed ones
    monkeypatch.setattr(projection.ClosedRows, "row", lambda *args, **kwargs: None)
    assert rebuild.rebuild(now=NOW) == counts
    assert snapshot() == fast
    # and both equal live handling for the closed ones (open ones get clock states for NOW)
    closed = [r for r in live_rows if len(r) > 3 and r[2] in ("fulfilled", "late", "cancelled")]
    assert closed and set(closed) <= set(fast)


def test_rebuild_keeps_the_indexes(people: Any) -> None:
    from django.db import connection

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            return {
                c["columns"] and name
                for table in ("agreements_obligation", "agreements_deliverable")
                for name, c in connection.introspection.get_constraints(cursor, table).items()
                if c["index"]
            }

    before = indexes()
    _many(people)
    rebuild.rebuild(now=NOW)
    assert indexes() == before

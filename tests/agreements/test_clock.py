"""The clock: at risk, breach at the due time, the ladder once per step, catch-up."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from interlock.agreements import clock, engine
from interlock.agreements.models import EscalationRun, Obligation
from interlock.core.models import Event
from tests.agreements.factories import (
    TEST_KIND,
    fake_kind,
    make_active_agreement,
    record_test_event,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
THU = datetime(2025, 10, 2, 16, 0, tzinfo=BERLIN)  # Fri 3 Oct 2025: public holiday in DE
MON_14 = datetime(2025, 10, 6, 14, 0, tzinfo=BERLIN)
MON_16 = datetime(2025, 10, 6, 16, 0, tzinfo=BERLIN)
LADDER = [
    ("at_risk", 0, ["notify_assignee"]),
    ("breach", 0, ["notify_team_lead"]),
    ("breach", 4, ["notify_management"]),  # Mon 16:00 + 4 business hours = Tue 12:00
]


@pytest.fixture(autouse=True)
def _kind() -> Iterator[Any]:
    with fake_kind() as kind:
        yield kind


def delivered(people: Any, key: str = "a", **kwargs: Any) -> Obligation:
    make_active_agreement(people, deliverable=TEST_KIND, **kwargs)
    event = record_test_event(
        "delivered", key, at=THU, subject=people.sales, assignee_id=people.member.pk
    )
    engine.handle(event)
    return Obligation.objects.get()


def test_frozen_clock_at_risk_then_breach_at_the_due_time(people: Any) -> None:
    ob = delivered(people)
    assert ob.due_at == MON_16
    assert clock.tick(now=MON_14 - timedelta(minutes=1))["checked"] == 0
    counts = clock.tick(now=MON_16 - timedelta(minutes=1))
    ob.refresh_from_db()
    assert counts["at_risk"] == 1 and ob.status == "at_risk" and ob.breached_at is None
    assert ob.check_at == MON_16
    counts = clock.tick(now=MON_16 + timedelta(minutes=1))
    ob.refresh_from_db()
    assert counts["breached"] == 1
    assert (ob.status, ob.breached_at, ob.check_at) == ("breached", MON_16, None)
    event = Event.objects.get(type="obligation.breached")
    assert event.payload["key"] == "a" and event.payload["assignee_id"] == people.member.pk
    assert event.payload["due_at"] == MON_16.isoformat() or event.payload["due_at"].startswith(
        "2025-10-06T14:00"
    )
    assert Event.objects.filter(type="obligation.at_risk").count() == 1
    assert clock.tick(now=MON_16 + timedelta(hours=1))["checked"] == 0


def test_worker_down_a_day_runs_missed_steps_once_in_order(people: Any) -> None:
    ob = delivered(people, ladder=LADDER)
    tue = MON_16 + timedelta(days=1, minutes=1)
    counts = clock.tick(now=tue)
    ob.refresh_from_db()
    assert (ob.status, ob.breached_at) == ("breached", MON_16)
    assert counts["escalations"] == 3
    runs = list(EscalationRun.objects.order_by("due_at", "id"))
    assert [r.due_at for r in runs] == [
        MON_14,
        MON_16,
        datetime(2025, 10, 7, 12, 0, tzinfo=BERLIN),
    ]
    assert all(r.ran_at == tue for r in runs)
    assert [r.step.actions for r in runs] == [a for _t, _o, a in LADDER]
    assert ob.check_at is None
    assert clock.tick(now=tue + timedelta(hours=1))["escalations"] == 0
    assert EscalationRun.objects.count() == 3


def test_steps_wait_for_their_moment(people: Any) -> None:
    ob = delivered(people, ladder=LADDER)
    clock.tick(now=MON_16 + timedelta(minutes=1))
    ob.refresh_from_db()
    assert EscalationRun.objects.count() == 2
    assert ob.check_at == datetime(2025, 10, 7, 12, 0, tzinfo=BERLIN)
    clock.tick(now=datetime(2025, 10, 7, 12, 0, tzinfo=BERLIN))
    assert EscalationRun.objects.count() == 3


def test_fulfilled_obligations_are_left_alone(people: Any) -> None:
    ob = delivered(people, ladder=LADDER)
    engine.handle(record_test_event("done", "a", at=MON_14, subject=people.sales))
    assert clock.tick(now=MON_16 + timedelta(days=3)) == {
        "checked": 0,
        "at_risk": 0,
        "breached": 0,
        "escalations": 0,
    }
    ob.refresh_from_db()
    assert ob.status == "fulfilled" and not EscalationRun.objects.exists()


def test_fulfil_by_default_and_reassign_helpers(people: Any) -> None:
    ob = delivered(people)
    clock.tick(now=MON_16 + timedelta(minutes=1))
    ob.refresh_from_db()
    engine.reassign(ob, people.lead.pk, at=MON_16)
    engine.fulfil_by_default(ob, MON_16 + timedelta(hours=1))
    ob.refresh_from_db()
    assert (ob.status, ob.fulfilled_by_default, ob.assignee) == ("fulfilled", True, people.lead)
    assert ob.breached_at == MON_16  # the breach happened; the ladder counted it anyway
    # a real fulfilment arriving later changes nothing
    engine.handle(record_test_event("done", "a", at=MON_16 + timedelta(1), subject=people.sales))
    ob.refresh_from_db()
    assert ob.status == "fulfilled" and ob.fulfilled_by_default
    assert Event.objects.filter(type__in=sorted(engine.LADDER_TYPES)).count() == 2


@pytest.mark.parametrize("key", ["lead:1", 'quote"d', "back\\slash", "ümlaut", "tab\there", "\x7f"])
def test_event_payload_text_is_json_dumps(key: str) -> None:
    import json

    row = {
        "id": 7,
        "agreement_id": 3,
        "term_id": 9,
        "deliverable__kind": "lead.handoff",
        "deliverable__key": key,
        "assignee_id": None,
    }
    due = "2026-03-04T11:59:00.000123+00:00"
    expected = {
        "obligation_id": 7,
        "agreement_id": 3,
        "term_id": 9,
        "kind": "lead.handoff",
        "key": key,
        "assignee_id": None,
        "due_at": due,
    }
    assert clock.payload_text(row, due) == json.dumps(expected)
    assert clock.payload_text({**row, "assignee_id": 12}, due) == json.dumps(
        {**expected, "assignee_id": 12}
    )


def test_stored_times_are_written_back_as_django_writes_them() -> None:
    from datetime import UTC

    from django.db import connection

    at = datetime(2026, 3, 4, 11, 59, 0, 123, tzinfo=UTC)
    stored_text = "2026-03-04 11:59:00.000123"  # as SQLite keeps it; PostgreSQL gives datetimes
    for value in (stored_text, at) if connection.vendor == "sqlite" else (at,):
        row = {"due_at": at, "_db": (None, None, None, value)}
        stored, iso = clock._stored(row, "due_at", clock._adapter())
        assert iso == at.isoformat()
        assert stored == connection.ops.adapt_datetimefield_value(at)
    assert not clock._canonical("2026-03-04 11:59:00.000000")
    assert not clock._canonical("2026-03-04T11:59:00")


def test_micro_clock_agrees_with_deadline_and_between(people: Any) -> None:
    from decimal import Decimal

    from interlock.agreements import scheduling

    spec = scheduling.spec_for_team(people.sales.pk)
    assert spec is not None
    for hours, percent in ((Decimal(8), 75), (Decimal("0.01"), 33), (Decimal(40), None)):
        micro = scheduling.MicroClock.for_term(spec, hours, percent)
        assert micro is not None
        for i in range(200):
            start = THU + timedelta(hours=7 * i, minutes=13 * i, microseconds=31 * i)
            when = scheduling.deadline(spec, start=start, hours=hours, at_risk_percent=percent)
            got = micro.deadline(scheduling.micros(start))
            assert got is not None
            due, risk = got
            assert scheduling.from_micros(due) == when.due_at
            assert (risk and scheduling.from_micros(risk)) == when.at_risk_at
            end = start + timedelta(hours=i, seconds=i)
            spent = scheduling.between(spec, start, end)
            assert micro.between(scheduling.micros(start), scheduling.micros(end)) == (
                spent // timedelta(microseconds=1)
            )
    assert scheduling.MicroClock.for_term(spec, Decimal(0), 75) is None
    assert scheduling.MicroClock.for_term(None, Decimal(8), 75) is None

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

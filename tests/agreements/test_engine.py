"""The engine: deliveries open obligations, fulfilments close them, in any order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.agreements import engine
from interlock.agreements.models import AgreementVersion, Deliverable, Obligation, Term
from interlock.org.models import Absence, WorkingHours
from tests.agreements.factories import (
    TEST_KIND,
    fake_kind,
    make_active_agreement,
    make_version,
    record_test_event,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
THU = datetime(2025, 10, 2, 16, 0, tzinfo=BERLIN)  # Fri 3 Oct is German Unity Day
MON_16 = datetime(2025, 10, 6, 16, 0, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _kind() -> Iterator[Any]:
    with fake_kind() as kind:
        yield kind


def deliver(people: Any, key: str, at: datetime, **payload: Any) -> Any:
    event = record_test_event("delivered", key, at=at, subject=people.sales, **payload)
    engine.handle(event)
    return event


def snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        (
            o.deliverable.key,
            o.term_id,
            o.status,
            o.opened_at,
            o.due_at,
            o.at_risk_at,
            o.fulfilled_at,
            o.breached_at,
            o.business_seconds,
            o.check_at,
            o.assignee_id,
        )
        for o in Obligation.objects.select_related("deliverable")
    )


def test_delivery_opens_an_obligation_due_in_receiver_business_hours(people: Any) -> None:
    made = make_active_agreement(people, deliverable=TEST_KIND)
    deliver(people, "a", THU, assignee_id=people.member.pk, title="Lead A")
    ob = Obligation.objects.get()
    assert ob.term == made.term and ob.agreement == made.agreement
    assert ob.due_at == MON_16  # Thu 16-17, Fri holiday, Mon 9-16
    assert ob.at_risk_at == datetime(2025, 10, 6, 14, 0, tzinfo=BERLIN)  # 6 of 8 hours
    assert ob.check_at == ob.at_risk_at
    assert (ob.status, ob.assignee, ob.routed_to) == ("open", people.member, people.member)
    assert ob.team == people.sales and ob.problem == "" and ob.changed_at is not None
    assert Deliverable.objects.get().title == "Lead A"


def test_duplicate_delivery_is_a_no_op_and_fulfilment_closes(people: Any) -> None:
    make_active_agreement(people, deliverable=TEST_KIND)
    first = deliver(people, "a", THU)
    engine.handle(first)
    deliver(people, "a", THU + timedelta(hours=1))  # a later duplicate
    assert Obligation.objects.count() == 1
    assert Deliverable.objects.get().delivery_event_id == first.pk
    done = record_test_event("done", "a", at=MON_16 - timedelta(hours=1), subject=people.sales)
    engine.handle(done)
    engine.handle(record_test_event("done", "a", at=MON_16 + timedelta(1), subject=people.sales))
    ob = Obligation.objects.get()
    assert (ob.status, ob.fulfilled_at, ob.check_at, ob.breached_at) == (
        "fulfilled",
        MON_16 - timedelta(hours=1),
        None,
        None,
    )
    assert ob.business_seconds == 7 * 3600


def test_fulfil_before_deliver_and_late(people: Any) -> None:
    make_active_agreement(people, deliverable=TEST_KIND)
    late = MON_16 + timedelta(hours=1)
    engine.handle(record_test_event("done", "a", at=late, subject=people.sales))
    assert Obligation.objects.count() == 0
    assert Deliverable.objects.get().fulfilled_at == late
    deliver(people, "a", THU)
    ob = Obligation.objects.get()
    assert (ob.status, ob.breached_at, ob.check_at) == ("late", MON_16, None)
    assert ob.business_seconds == 9 * 3600  # until Mon 17:00


def test_cancel_unless_fulfilled(people: Any) -> None:
    make_active_agreement(people, deliverable=TEST_KIND)
    deliver(people, "a", THU)
    deliver(people, "b", THU)
    engine.handle(record_test_event("cancelled", "a", at=THU + timedelta(1), subject=people.sales))
    engine.handle(record_test_event("done", "b", at=THU + timedelta(hours=1), subject=people.sales))
    engine.handle(record_test_event("cancelled", "b", at=THU + timedelta(1), subject=people.sales))
    status = dict(Obligation.objects.values_list("deliverable__key", "status"))
    assert status == {"a": "cancelled", "b": "fulfilled"}
    assert Obligation.objects.get(deliverable__key="a").check_at is None


def test_place_filter_and_unknown_event(people: Any) -> None:
    make_active_agreement(people, deliverable=TEST_KIND, place="queue:a")
    deliver(people, "a", THU, place="queue:a")
    deliver(people, "b", THU, place="queue:b")
    assert list(Obligation.objects.values_list("deliverable__key", flat=True)) == ["a"]
    engine.handle(record_test_event("nothing", "c", at=THU, subject=people.sales))
    assert Deliverable.objects.count() == 2


def test_version_in_force_at_delivery_measures_it(people: Any) -> None:
    switch = datetime(2025, 10, 1, tzinfo=BERLIN)
    made = make_active_agreement(people, deliverable=TEST_KIND)
    AgreementVersion.objects.filter(pk=made.version.pk).update(status="superseded", ended_at=switch)
    v2 = make_version(made.agreement, number=2, effective_from=switch, activated_at=switch)
    t2 = Term.objects.create(version=v2, type="time", deliverable=TEST_KIND, hours=4)
    draft = make_version(
        made.agreement, number=3, effective_from=switch, activated_at=None, status="draft"
    )
    Term.objects.create(version=draft, type="time", deliverable=TEST_KIND, hours=1)
    deliver(people, "old", switch - timedelta(days=2))
    deliver(people, "new", THU)
    terms = dict(Obligation.objects.values_list("deliverable__key", "term_id"))
    assert terms == {"old": made.term.pk, "new": t2.pk}


def test_calendar_without_working_hours_keeps_the_obligation(people: Any) -> None:
    WorkingHours.objects.filter(calendar__team=people.sales).delete()
    make_active_agreement(people, deliverable=TEST_KIND)
    deliver(people, "a", THU)
    ob = Obligation.objects.get()
    assert ob.due_at == THU + timedelta(hours=8)
    assert "no working hours" in ob.problem


def test_explicit_due_and_absent_assignee_goes_to_deputy(people: Any) -> None:
    make_active_agreement(people, deliverable=TEST_KIND)
    Absence.objects.create(
        user=people.member,
        deputy=people.lead,
        starts_at=THU - timedelta(days=1),
        ends_at=THU + timedelta(days=1),
    )
    deliver(people, "a", THU, assignee_id=people.member.pk, due_at=MON_16.isoformat())
    ob = Obligation.objects.get()
    assert (ob.routed_to, ob.assignee, ob.due_at) == (people.member, people.lead, MON_16)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(list(range(7))))
def test_any_order_gives_the_same_obligations(people: Any, order: list[int]) -> None:
    if not Term.objects.filter(deliverable=TEST_KIND).exists():
        make_active_agreement(people, deliverable=TEST_KIND)
    specs = [
        ("delivered", "a", THU),
        ("delivered", "a", THU + timedelta(hours=2)),  # duplicate, later
        ("done", "a", MON_16 + timedelta(hours=1)),
        ("done", "a", MON_16 - timedelta(hours=1)),  # the earliest fulfilment counts
        ("delivered", "b", THU),
        ("cancelled", "b", THU + timedelta(hours=3)),
        ("done", "c", THU),  # never delivered
    ]
    recorded = [record_test_event(a, k, at=t, subject=people.sales) for a, k, t in specs]

    def replay(indexes: list[int]) -> list[tuple[Any, ...]]:
        Obligation.objects.all().delete()
        Deliverable.objects.all().delete()
        for index in indexes:
            engine.handle(recorded[index])
        return snapshot()

    expected = replay(list(range(7)))
    assert replay(order) == expected
    assert {row[0]: row[2] for row in expected} == {"a": "fulfilled", "b": "cancelled"}


def test_a_batch_reads_the_terms_once_and_leaves_what_one_by_one_leaves(
    people: Any, monkeypatch: Any
) -> None:
    from interlock.agreements import projection

    make_active_agreement(people, deliverable=TEST_KIND)
    specs = [
        ("delivered", "a", THU),
        ("delivered", "b", THU + timedelta(hours=1)),
        ("done", "a", MON_16 - timedelta(hours=1)),
        ("cancelled", "b", THU + timedelta(hours=3)),
        ("delivered", "c", MON_16),
    ]
    recorded = [record_test_event(a, k, at=t, subject=people.sales) for a, k, t in specs]
    for event in recorded:
        engine.handle(event)
    one_by_one = snapshot()
    Obligation.objects.all().delete()
    Deliverable.objects.all().delete()
    reads: list[Any] = []
    real = projection.time_terms
    monkeypatch.setattr(
        projection, "time_terms", lambda kinds=None: reads.append(kinds) or real(kinds)
    )
    engine.handle_many(recorded)
    assert snapshot() == one_by_one
    assert len(reads) == 1
    # Outside a batch every event reads them again (an agreement may have changed).
    engine.handle(record_test_event("delivered", "d", at=MON_16, subject=people.sales))
    assert len(reads) == 2

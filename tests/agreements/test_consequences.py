"""The escalation actions: notify, reassign, return, count as fulfilled, agenda."""

from __future__ import annotations

import sys
import types
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from interlock.agreements.consequences import apply_step
from interlock.agreements.models import AgendaItem, EscalationStep
from interlock.core import deliverables
from interlock.notify.models import Notification
from interlock.org.models import Absence
from tests.agreements.access_disputes import make_obligation

pytestmark = pytest.mark.django_db

CALLS: list[tuple[str, Any]] = []


@pytest.fixture
def kind() -> Any:
    CALLS.clear()
    registered = deliverables.register(
        deliverables.DeliverableKind(
            key="test_handoff",
            label="Lead handoff",
            description="",
            delivered_by=frozenset({"test.delivered"}),
            fulfilled_by=frozenset({"test.fulfilled"}),
            delivery=lambda event: None,
            instance_key=lambda event: None,
            reassign=lambda key, user_id, actor: CALLS.append(("reassign", (key, user_id))),
            return_to_provider=lambda key, actor: CALLS.append(("return", key)),
            fulfil_by_default=lambda key, actor: CALLS.append(("fulfil", key)),
            url=lambda key: f"/leads/handoffs/{key.split(':')[1]}/",
        )
    )
    yield registered
    deliverables.unregister("test_handoff")


def _step(obligation: Any, *actions: str, trigger: str = "breach") -> EscalationStep:
    return EscalationStep.objects.create(
        version=obligation.version,
        trigger=trigger,
        offset_hours=Decimal("0"),
        actions=list(actions),
    )


def test_notify_assignee_lead_and_management(people: Any, kind: Any) -> None:
    obligation = make_obligation(people)
    step = _step(obligation, "notify_assignee", "notify_team_lead", "notify_management")
    outcome = apply_step(obligation=obligation, step=step, now=timezone.now())
    assert [o["done"] for o in outcome] == [True, True, True]
    got = dict(Notification.objects.values_list("recipient__username", "title"))
    assert set(got) == {"member", "lead", "manager"}
    assert got["member"].startswith("Breached: MQL Jane Doe (ACME)")
    assert " — due " in got["member"]
    assert Notification.objects.filter(url="/leads/handoffs/1/").count() == 3
    # the same step again notifies nobody twice
    apply_step(obligation=obligation, step=step, now=timezone.now())
    assert Notification.objects.count() == 3


def test_at_risk_title(people: Any, kind: Any) -> None:
    obligation = make_obligation(people, status="at_risk")
    apply_step(
        obligation=obligation,
        step=_step(obligation, "notify_assignee", trigger="at_risk"),
        now=timezone.now(),
    )
    assert Notification.objects.get().title.startswith("At risk: ")


def test_reassign_to_the_deputy_of_an_absent_assignee(people: Any, kind: Any) -> None:
    now = timezone.now()
    Absence.objects.create(
        user=people.member,
        deputy=people.marketer,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
    )
    obligation = make_obligation(people)
    [outcome] = apply_step(
        obligation=obligation, step=_step(obligation, "reassign_deputy"), now=now
    )
    assert outcome["done"], outcome
    obligation.refresh_from_db()
    assert obligation.assignee == people.marketer and obligation.changed_at is not None
    assert [("reassign", ("handoff:1", people.marketer.pk))] == CALLS


def test_reassign_without_absence_goes_to_the_team_lead(people: Any, kind: Any) -> None:
    obligation = make_obligation(people)
    [outcome] = apply_step(
        obligation=obligation, step=_step(obligation, "reassign_deputy"), now=timezone.now()
    )
    obligation.refresh_from_db()
    assert outcome["done"] and obligation.assignee == people.lead


def test_reassign_queue_return_and_agenda(people: Any, kind: Any) -> None:
    obligation = make_obligation(people)
    step = _step(obligation, "reassign_queue", "return_to_provider", "meeting_agenda")
    outcome = apply_step(obligation=obligation, step=step, now=timezone.now())
    assert all(o["done"] for o in outcome), outcome
    obligation.refresh_from_db()
    assert obligation.assignee is None and obligation.status == "breached"
    assert ("return", "handoff:1") in CALLS
    assert "MQL Jane Doe" in AgendaItem.objects.get(agreement=obligation.agreement).title


def test_a_kind_without_hooks_and_a_failing_action(people: Any, kind: Any) -> None:
    deliverables.register(
        deliverables.DeliverableKind(
            key="test_handoff",
            label="x",
            description="",
            delivered_by=frozenset(),
            fulfilled_by=frozenset(),
            delivery=lambda e: None,
            instance_key=lambda e: None,
        )
    )
    obligation = make_obligation(people, assignee=None)
    step = _step(
        obligation,
        "reassign_queue",
        "notify_assignee",
        "return_to_provider",
        "notify_team_lead",
        "bogus",
    )
    outcome = apply_step(obligation=obligation, step=step, now=timezone.now())
    assert [o["done"] for o in outcome] == [False, False, False, True, False]
    assert "cannot" in outcome[0]["note"] and "nobody" in outcome[1]["note"]


def test_fulfil_by_default_calls_the_engine_and_the_kind(
    people: Any, kind: Any, monkeypatch: Any
) -> None:
    seen: list[Any] = []
    try:
        from interlock.agreements import engine
    except ImportError:
        engine = types.ModuleType("interlock.agreements.engine")
        monkeypatch.setitem(sys.modules, "interlock.agreements.engine", engine)
        import interlock.agreements as package

        monkeypatch.setattr(package, "engine", engine, raising=False)
    monkeypatch.setattr(
        engine, "fulfil_by_default", lambda o, at: seen.append((o.pk, at)), raising=False
    )
    obligation = make_obligation(people)
    now = timezone.now()
    [outcome] = apply_step(
        obligation=obligation, step=_step(obligation, "fulfil_by_default"), now=now
    )
    assert outcome["done"], outcome
    assert seen == [(obligation.pk, now)] and ("fulfil", "handoff:1") in CALLS

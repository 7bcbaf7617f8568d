"""Small builders for the agreements tests (rows created directly, no services).

``make_active_agreement(people)`` gives an active agreement Marketing → Sales
with one time term on "lead.handoff" (8 business hours, at risk at 75 %).
``register_test_kind()`` registers a made-up kind "test.item" (delivered by
"test.delivered", fulfilled by "test.done", cancelled by "test.cancelled")
so engine tests need no real kind; pair it with ``deliverables.unregister``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from interlock.agreements.models import Agreement, AgreementVersion, EscalationStep, Term
from interlock.core import deliverables
from interlock.core.deliverables import Attribute, DeliverableKind, Delivery
from interlock.core.models import Event

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


class Made(NamedTuple):
    agreement: Agreement
    version: AgreementVersion
    term: Term


def make_active_agreement(
    people: Any,
    *,
    deliverable: str = "lead.handoff",
    hours: Decimal | int | None = 8,
    place: str = "",
    at_risk_percent: int | None = 75,
    provider: Any = None,
    receiver: Any = None,
    effective_from: datetime | None = None,
    activated_at: datetime | None = None,
    ladder: Sequence[tuple[str, Decimal | int, list[str]]] = (),
    title: str = "Marketing → Sales",
) -> Made:
    """An active agreement (version 1) with one time term; ``ladder``: (trigger, hours, actions)."""
    provider = provider or people.marketing
    receiver = receiver or people.sales
    agreement = Agreement.objects.create(
        provider_team=provider, receiver_team=receiver, title=title
    )
    start = effective_from or LONG_AGO
    version = make_version(
        agreement,
        number=1,
        effective_from=start,
        activated_at=activated_at or start,
        status=AgreementVersion.Status.ACTIVE,
    )
    term = Term.objects.create(
        version=version,
        type=Term.Type.TIME,
        deliverable=deliverable,
        place=place,
        hours=Decimal(hours) if hours is not None else None,
        at_risk_percent=at_risk_percent,
    )
    for position, (trigger, offset, actions) in enumerate(ladder):
        EscalationStep.objects.create(
            version=version,
            position=position,
            trigger=trigger,
            offset_hours=Decimal(offset),
            actions=list(actions),
        )
    return Made(agreement, version, term)


def make_version(
    agreement: Agreement,
    *,
    number: int,
    effective_from: datetime,
    activated_at: datetime | None,
    status: str = AgreementVersion.Status.ACTIVE,
    ended_at: datetime | None = None,
) -> AgreementVersion:
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        status=status,
        title=agreement.title,
        effective_from=effective_from,
        activated_at=activated_at,
        ended_at=ended_at,
    )


# ------------------------------------------------------------------ a fake kind

TEST_KIND = "test.item"


def _delivery(event: Event) -> Delivery | None:
    p = event.payload
    return Delivery(
        key=str(p["key"]),
        at=event.occurred_at,
        place=str(p.get("place", "")),
        assignee_id=p.get("assignee_id"),
        team_id=p.get("team_id"),
        subject=(event.subject_type, event.subject_id),
        title=str(p.get("title", "")),
        due_at=datetime.fromisoformat(p["due_at"]) if p.get("due_at") else None,
    )


def _instance_key(event: Event) -> str | None:
    key = event.payload.get("key")
    return str(key) if key is not None else None


def register_test_kind(
    key: str = TEST_KIND,
    *,
    values: dict[str, dict[str, Any]] | None = None,
) -> DeliverableKind:
    """Register the fake kind; ``values`` feeds ``evaluate`` ({key: {attr: value}})."""
    store = values if values is not None else {}
    prefix = "test" if key == TEST_KIND else key
    return deliverables.register(
        DeliverableKind(
            key=key,
            label="Test item",
            description="A made-up deliverable for tests.",
            delivered_by=frozenset({f"{prefix}.delivered"}),
            fulfilled_by=frozenset({f"{prefix}.done"}),
            cancelled_by=frozenset({f"{prefix}.cancelled"}),
            delivery=_delivery,
            instance_key=_instance_key,
            attributes={
                "good": Attribute("good", "Good", "bool"),
                "score": Attribute("score", "Score", "number"),
                "grade": Attribute("grade", "Grade", "grade"),
                "size": Attribute("size", "Size", "choice", (("s", "S"), ("m", "M"), ("l", "L"))),
                "note": Attribute("note", "Note", "text"),
            },
            evaluate=lambda keys: {k: store.get(k, {}) for k in keys},
            places=lambda: [("queue:a", "Queue A"), ("queue:b", "Queue B")],
        )
    )


def record_test_event(
    action: str,
    key: str,
    *,
    at: datetime,
    subject: Any,
    prefix: str = "test",
    **payload: Any,
) -> Event:
    """Record "<prefix>.<action>" (delivered/done/cancelled) for instance ``key`` at ``at``."""
    from interlock.core import events

    return events.record(
        f"{prefix}.{action}",
        subject=subject,
        payload={"key": key, **payload},
        occurred_at=at,
    )


@contextmanager
def fake_kind(
    key: str = TEST_KIND, *, values: dict[str, dict[str, Any]] | None = None
) -> Iterator[DeliverableKind]:
    """Register the fake kind and subscribe the engine to it for one test."""
    from interlock.agreements import engine, scheduling

    kind = register_test_kind(key, values=values)
    engine.resubscribe()
    scheduling.clear_cache()
    try:
        yield kind
    finally:
        deliverables.unregister(key)
        engine.resubscribe()
        scheduling.clear_cache()

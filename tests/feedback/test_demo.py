from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from interlock.core import demo
from interlock.customers.models import Account
from interlock.feedback.demo import seed_feedback
from interlock.feedback.models import Complaint, ComplaintCategory, Idea, IdeaVote
from tests.feedback import factories as f


def _run(people: Any) -> list[tuple[Any, ...]]:
    now = timezone.now()
    ctx = demo.DemoContext(
        seed=1,
        scale=1,
        rng=random.Random(7),
        today=now.date(),
        now=now,
        actor=people.admin,
        log=lambda _m: None,
        percent=25,  # 30 complaints, 6 ideas: enough for the shape, quick
    )
    seed_feedback(ctx)
    return list(
        Complaint.objects.order_by("pk").values_list(
            "title", "account__name", "severity", "status", "satisfaction"
        )
    )


def test_seeder_is_realistic_and_deterministic(
    people: Any, django_db_reset_sequences: Any = None
) -> None:
    for i in range(20):
        f.account(f"Kunde {i}")
    # Customers of two years' standing, as the customers seeder makes them.
    Account.objects.update(created_at=timezone.now() - timedelta(days=730))
    first = _run(people)
    assert len(first) == 30
    assert ComplaintCategory.objects.count() == 6
    assert Idea.objects.count() == 6
    assert IdeaVote.objects.exists()
    statuses = {row[3] for row in first}
    assert {"new", "resolved"} <= statuses or {"in_progress", "resolved"} <= statuses
    for c in Complaint.objects.exclude(first_response_at=None):
        assert c.first_response_at >= c.created_at
    for c in Complaint.objects.exclude(satisfaction=None):
        assert 1 <= c.satisfaction <= 5 and c.status in ("resolved", "closed")
    # Same seed, same data.
    Complaint.all_objects.all().delete()
    Idea.all_objects.all().delete()
    ComplaintCategory.objects.all().delete()
    assert _run(people) == first


def test_registered_after_customers() -> None:
    order = [name for name, _seeder in demo.seeders()]
    assert "feedback" in order
    if "customers" in order:
        assert order.index("customers") < order.index("feedback")


def test_history_is_dated_and_consistent(people: Any) -> None:
    from interlock.core.models import Event

    for i in range(10):
        f.account(f"Kunde {i}")
    Account.objects.update(created_at=timezone.now() - timedelta(days=730))
    _run(people)
    now = timezone.now()
    for c in Complaint.objects.all():
        created = Event.objects.get(type="complaint.created", subject_id=c.pk)
        assert created.occurred_at == c.created_at < now
        if c.first_response_at:
            answered = Event.objects.get(type="complaint.first_response", subject_id=c.pk)
            assert answered.occurred_at == c.first_response_at >= c.created_at
        if c.resolved_at:
            resolved = Event.objects.get(type="complaint.resolved", subject_id=c.pk)
            assert resolved.occurred_at == c.resolved_at
        if c.satisfaction:
            rated = Event.objects.get(type="complaint.rated", subject_id=c.pk)
            assert c.resolved_at and c.resolved_at < rated.occurred_at < now
    assert min(Idea.objects.values_list("created_at", flat=True)) < now - timedelta(days=90)
    asked = Event.objects.filter(type="idea.requested").values_list("occurred_at", flat=True)
    assert all(at < now for at in asked)

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from interlock.core import demo
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
    first = _run(people)
    assert len(first) == 60
    assert ComplaintCategory.objects.count() == 6
    assert Idea.objects.count() == 25
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

"""Reads of core data: tokens, events, audit entries, the trash."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from interlock.core import events, selectors
from interlock.core.context import Source, acting
from interlock.core.models import EventDelivery
from interlock.core.pagination import InvalidCursor
from interlock.core.tokens import token_create, token_revoke
from interlock.core.trash import trash_move
from interlock.org import services
from interlock.org.models import Team

pytestmark = pytest.mark.django_db


def test_tokens_of_lists_only_that_users_tokens_revoked_included(people: Any) -> None:
    kept, _ = token_create(user=people.member, name="kept")
    gone, _ = token_create(user=people.member, name="gone")
    token_revoke(token=gone, actor=people.member)
    token_create(user=people.lead, name="someone else's")
    assert set(selectors.tokens_of(people.member)) == {kept, gone}


def test_events_matching_combines_filters(people: Any) -> None:
    first = events.record("test.a", subject=people.sales, actor=people.admin)
    events.record("test.a", subject=people.marketing, actor=people.admin)
    events.record("test.b", subject=people.sales, actor=people.lead)
    matching = selectors.events_matching(
        type="test.a", subject_type="org.team", subject_id=people.sales.pk, actor=people.admin.pk
    )
    assert list(matching) == [first]
    later = first.occurred_at + timedelta(seconds=1)
    assert not selectors.events_matching(type="test.a", since=later).exists()
    assert selectors.events_matching(type="test.a", until=later).count() == 2


def test_audit_entries_filter_by_label_or_content_type_and_action(people: Any) -> None:
    with acting(people.admin, Source.API):
        team = services.team_create(actor=people.admin, name="Partners")
        services.team_update(actor=people.admin, team=team, name="Channel partners")
    by_label = selectors.audit_entries(model="org.team", object_id=str(team.pk))
    by_type = selectors.audit_entries(
        model=ContentType.objects.get_for_model(Team), object_id=str(team.pk)
    )
    assert list(by_label) == list(by_type)
    assert len(by_label) == 2  # newest first: the update, then the create
    updated = selectors.audit_entries(
        model="org.team", object_id=str(team.pk), action="update", actor=people.admin, source="api"
    ).get()
    assert updated == by_label[0]
    assert not selectors.audit_entries(model="org.team", object_id=str(team.pk), source="web")


def test_trash_page_pages_through_every_model(people: Any) -> None:
    for team in (people.sales, people.marketing):
        trash_move(obj=team, actor=people.admin)
    first = selectors.trash_page(model=None, cursor=None, limit=1)
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = selectors.trash_page(model=None, cursor=first["next_cursor"], limit=1)
    seen = {item["id"] for item in first["items"] + second["items"]}
    assert seen == {people.sales.pk, people.marketing.pk}
    assert second["next_cursor"] is None
    assert selectors.trash_page(model="org.absence", cursor=None, limit=10)["items"] == []


def test_trash_page_rejects_a_foreign_cursor() -> None:
    with pytest.raises(InvalidCursor):
        selectors.trash_page(model=None, cursor="bm9wZQ", limit=10)


def test_trash_sections_hold_the_trashed_rows(people: Any) -> None:
    trash_move(obj=people.marketing, actor=people.admin)
    sections = {s.label: s for s in selectors.trash_sections()}
    assert sections["org.team"].rows == [Team.all_objects.get(pk=people.marketing.pk)]
    assert sections["org.team"].title


def test_retry_failed_can_be_limited_to_some_deliveries(people: Any) -> None:
    rows = [
        EventDelivery.objects.create(
            event=events.record("test.a", subject=people.sales),
            subscriber="s",
            status=EventDelivery.Status.FAILED,
            attempts=3,
        )
        for _ in range(3)
    ]
    assert events.retry_failed(delivery_ids=[rows[0].pk]) == 1
    assert events.retry_failed("other", delivery_ids=[rows[1].pk]) == 0
    assert events.retry_failed(delivery_ids=[]) == 0
    pending = EventDelivery.objects.filter(status=EventDelivery.Status.PENDING, subscriber="s")
    assert list(pending.values_list("pk", flat=True)) == [rows[0].pk]

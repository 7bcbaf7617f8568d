"""Saved views, tags and bulk actions: rules, all-or-nothing, audit and events, merges."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.core.models import AuditEntry, Event
from interlock.customers import services as customer_services
from interlock.customers.models import Account
from interlock.lists import selectors, services
from interlock.lists.models import SavedView, Tag, TaggedItem
from tests.conftest import naughty_strings


def test_saved_view_rules(people: Any) -> None:
    view = services.saved_view_create(
        actor=people.member,
        list_key="accounts",
        name=" Mine ",
        query="?q=kessler&page=3&evil=1&cols=name&tag=vip",
        columns=["owner", "name"],
        team=people.sales,
    )
    assert view.name == "Mine" and view.query == "q=kessler&tag=vip"
    assert view.columns == ["name", "owner"]  # in the list's order
    assert list(selectors.visible_views(people.lead, "accounts")) == [view]  # same team
    assert not selectors.visible_views(people.marketer).exists()  # other team
    with pytest.raises(ValidationError, match="already have a view"):
        services.saved_view_create(actor=people.member, list_key="accounts", name="MINE")
    with pytest.raises(ValidationError, match="team you belong to"):
        services.saved_view_create(
            actor=people.member, list_key="accounts", name="Other", team=people.marketing
        )
    with pytest.raises(ValidationError, match="Unknown columns"):
        services.saved_view_create(
            actor=people.member, list_key="accounts", name="Cols", columns=["password"]
        )
    with pytest.raises(PermissionDenied):
        services.saved_view_create(actor=people.readonly, list_key="accounts", name="x")
    # management may share with any team
    services.saved_view_create(
        actor=people.manager, list_key="deals", name="M", team=people.marketing
    )
    with pytest.raises(PermissionDenied):  # only the owner changes or deletes
        services.saved_view_update(actor=people.lead, view=view, name="Hijack")
    with pytest.raises(PermissionDenied):
        services.saved_view_delete(actor=people.lead, view=view)
    services.saved_view_update(actor=people.member, view=view, team=None, name="Private")
    view.refresh_from_db()
    assert view.team is None and view.name == "Private"
    assert not selectors.visible_views(people.lead).exists()
    services.saved_view_delete(actor=people.member, view=view)
    assert not SavedView.objects.filter(pk=view.pk).exists()
    types = set(Event.objects.values_list("type", flat=True))
    assert {"saved_view.created", "saved_view.updated", "saved_view.deleted"} <= types


def test_naughty_names_are_saved_or_refused_cleanly(people: Any) -> None:
    for i, text in enumerate(naughty_strings()):
        with contextlib.suppress(ValidationError):
            services.saved_view_create(
                actor=people.member, list_key="accounts", name=f"{i}{text}"[:100], query=text
            )
        with contextlib.suppress(ValidationError):
            services.tag_create(actor=people.member, name=f"{i}{text}"[:50])
    assert SavedView.objects.count() > 100 and Tag.objects.count() > 100


def test_tags_are_unique_in_any_case(people: Any) -> None:
    services.tag_create(actor=people.member, name="VIP")
    with pytest.raises(ValidationError, match="exists already"):
        services.tag_create(actor=people.member, name="vip")
    with pytest.raises(PermissionDenied):
        services.tag_create(actor=people.readonly, name="Other")


def test_bulk_tag_add_and_remove(people: Any, accounts: list[Account]) -> None:
    ids = [a.pk for a in accounts]
    assert services.tags_add(actor=people.member, list_key="accounts", ids=ids, name="vip") == 3
    assert services.tags_add(actor=people.member, list_key="accounts", ids=ids, name="VIP") == 0
    assert Tag.objects.count() == 1
    qs = selectors.with_tag(Account.objects.all(), "Vip")
    assert set(qs.values_list("pk", flat=True)) == set(ids)
    assert selectors.tags_of(Account, ids)[ids[0]][0].name == "vip"
    removed = services.tags_remove(
        actor=people.member, list_key="accounts", ids=ids[:2], name="vip"
    )
    assert removed == 2 and TaggedItem.objects.count() == 1
    assert services.tags_remove(actor=people.member, list_key="accounts", ids=ids, name="nope") == 0
    assert AuditEntry.objects.filter(content_type__model="taggeditem").count() >= 5


def test_bulk_is_all_or_nothing(people: Any, accounts: list[Account]) -> None:
    customer_services.account_delete(actor=people.member, account=accounts[2])
    ids = [a.pk for a in accounts]
    with pytest.raises(ValidationError, match="nothing was changed"):
        services.bulk_trash(actor=people.member, list_key="accounts", ids=ids)
    with pytest.raises(ValidationError, match="nothing was changed"):
        services.bulk_assign_owner(
            actor=people.member, list_key="accounts", ids=ids, owner=people.lead
        )
    assert Account.objects.count() == 2
    assert not Account.objects.filter(owner=people.lead).exists()
    with pytest.raises(PermissionDenied):
        services.bulk_trash(actor=people.readonly, list_key="accounts", ids=ids[:2])
    with pytest.raises(ValidationError, match="at most"):
        services.bulk_trash(actor=people.member, list_key="accounts", ids=range(1, 600))
    with pytest.raises(ValidationError, match="does not offer"):
        services.bulk_run(actor=people.member, list_key="ideas", action="assign_owner", ids=[1])


def test_bulk_assign_and_trash_go_through_the_services(
    people: Any, accounts: list[Account]
) -> None:
    ids = [a.pk for a in accounts[:2]]
    assert (
        services.bulk_assign_owner(
            actor=people.member, list_key="accounts", ids=ids, owner=people.lead
        )
        == 2
    )
    assert Account.objects.filter(owner=people.lead).count() == 2
    assert Event.objects.filter(type="account.updated").count() == 2
    with pytest.raises(ValidationError, match="active user"):
        services.bulk_assign_owner(
            actor=people.member, list_key="accounts", ids=ids, owner=people.inactive
        )
    assert services.bulk_trash(actor=people.member, list_key="accounts", ids=ids) == 2
    assert Account.objects.count() == 1
    assert Event.objects.filter(type="trash.moved").count() == 2


def test_tags_follow_a_merge(
    people: Any, accounts: list[Account], django_capture_on_commit_callbacks: Any
) -> None:
    survivor, other, _third = accounts
    services.tags_add(actor=people.member, list_key="accounts", ids=[other.pk], name="vip")
    services.tags_add(
        actor=people.member, list_key="accounts", ids=[survivor.pk, other.pk], name="fair"
    )
    with django_capture_on_commit_callbacks(execute=True):  # the subscriber runs after commit
        customer_services.account_merge(actor=people.lead, survivor=survivor, other=other)
    content_type = ContentType.objects.get_for_model(Account)
    names = sorted(
        TaggedItem.objects.filter(content_type=content_type, object_id=survivor.pk).values_list(
            "tag__name", flat=True
        )
    )
    assert names == ["fair", "vip"]
    assert not TaggedItem.objects.filter(content_type=content_type, object_id=other.pk).exists()


def test_bulk_on_my_work_reaches_only_my_open_tasks(people: Any, accounts: list[Account]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    due = timezone.now() + timedelta(days=1)
    mine = customer_services.task_create(
        actor=people.lead, subject="Call", due_at=due, assignee=people.member, account=accounts[0]
    )
    theirs = customer_services.task_create(
        actor=people.lead, subject="Visit", due_at=due, assignee=people.lead, account=accounts[0]
    )
    with pytest.raises(ValidationError, match="nothing was changed"):
        services.bulk_trash(actor=people.member, list_key="tasks", ids=[mine.pk, theirs.pk])
    assert (
        services.bulk_assign_owner(
            actor=people.member, list_key="tasks", ids=[mine.pk], owner=people.lead
        )
        == 1
    )
    mine.refresh_from_db()
    assert mine.assignee == people.lead
    mine = customer_services.task_create(
        actor=people.lead, subject="Call", due_at=due, assignee=people.member, account=accounts[0]
    )
    assert services.bulk_trash(actor=people.member, list_key="tasks", ids=[mine.pk]) == 1

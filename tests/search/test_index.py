"""The index follows the record through its domain events, and a rebuild equals it."""

from __future__ import annotations

from typing import Any

import pytest

from interlock.core import events
from interlock.customers import services as customers
from interlock.feedback import services as feedback
from interlock.sales import services as sales
from interlock.sales.models import Stage
from interlock.search import index, services
from tests.search.helpers import account, contact, found

pytestmark = pytest.mark.django_db


def test_create_update_trash_restore_are_reflected(people: Any) -> None:
    acme = account(people, "Kessler Maschinenbau GmbH", domain="kessler.de")
    anna = contact(people, "Becker", first_name="Anna", email="anna@kessler.de", account=acme)
    assert found(people.member, "Becker") == [("contact", anna.pk)]
    assert ("contact", anna.pk) in found(people.member, "Kessler")

    customers.contact_update(actor=people.member, contact=anna, last_name="Brandt")
    assert found(people.member, "Becker") == []
    assert found(people.member, "Brandt") == [("contact", anna.pk)]

    customers.contact_delete(actor=people.member, contact=anna)
    assert found(people.member, "Brandt") == []
    from interlock.core.trash import trash_restore

    trash_restore(obj=anna, actor=people.admin)
    assert found(people.member, "Brandt") == [("contact", anna.pk)]


def test_account_rename_reaches_its_contacts(people: Any) -> None:
    acme = account(people, "Kessler GmbH")
    anna = contact(people, "Becker", account=acme)
    assert ("contact", anna.pk) in found(people.member, "Kessler")
    customers.account_update(actor=people.member, account=acme, name="Weber AG")
    assert found(people.member, "Kessler") == []
    assert set(found(people.member, "Weber")) == {("account", acme.pk), ("contact", anna.pk)}
    customers.account_delete(actor=people.member, account=acme)
    assert found(people.member, "Weber") == []  # the contact no longer shows the trashed name


def test_merge_removes_the_loser(people: Any) -> None:
    survivor = account(people, "Kessler Maschinenbau GmbH", domain="kessler.de")
    other = account(people, "Kessler Werkzeug", domain="kessler-werkzeug.de")
    moved = contact(people, "Becker", account=other)
    customers.account_merge(actor=people.admin, survivor=survivor, other=other)
    hits = found(people.member, "Kessler")
    assert ("account", other.pk) not in hits
    assert ("account", survivor.pk) in hits
    assert ("contact", moved.pk) in hits  # now under the survivor's name
    assert found(people.member, "Werkzeug") == []

    a = contact(people, "Schulz", email="a@x.de")
    b = contact(people, "Schulz", email="b@x.de")
    customers.contact_merge(actor=people.admin, survivor=a, other=b)
    assert found(people.member, "Schulz") == [("contact", a.pk)]


def _pipeline(people: Any) -> None:
    sales.pipeline_create(
        actor=people.admin,
        name="Sales",
        is_default=True,
        stages=[
            sales.StageSpec("Lead", 10),
            sales.StageSpec("Won", 100, Stage.Kind.WON),
            sales.StageSpec("Lost", 0, Stage.Kind.LOST),
        ],
    )


def _everything(people: Any) -> None:
    _pipeline(people)
    category = feedback.category_create(actor=people.admin, name="Delivery")
    acme = account(
        people, "Kessler Maschinenbau GmbH", domain="kessler.de", industry="Maschinenbau"
    )
    anna = contact(people, "Müller", first_name="Anna", email="anna@kessler.de", account=acme)
    sales.deal_create(actor=people.member, title="Fräsmaschinen 2027", account=acme, contact=anna)
    feedback.complaint_create(
        actor=people.member,
        account=acme,
        category=category,
        channel="email",
        title="Lieferung zu spät",
        description="Die Spindel kam drei Wochen später.",
    )
    feedback.idea_create(actor=people.member, title="Ersatzteil-Portal", description="Self service")
    gone = contact(people, "Weg")
    customers.contact_delete(actor=people.member, contact=gone)


def test_rebuild_equals_incremental(people: Any) -> None:
    _everything(people)
    events.deliver()
    incremental = index.rows()
    assert {row[1] for row in incremental} == set(index.KINDS)
    counts = services.rebuild_index()
    assert counts == {"account": 1, "contact": 1, "deal": 1, "complaint": 1, "idea": 1}
    assert index.rows() == incremental


def test_every_kind_is_found(people: Any) -> None:
    _everything(people)
    kinds = {kind for kind, _pk in found(people.member, "Kessler")}
    assert kinds == {"account", "contact", "deal", "complaint"}
    assert [k for k, _ in found(people.member, "Ersatzteil")] == ["idea"]
    assert [k for k, _ in found(people.member, "Spindel")] == ["complaint"]
    assert found(people.member, "Weg") == []


def test_batch_delivery_equals_a_rebuild(people: Any) -> None:
    from interlock.core.models import Event
    from interlock.search import subscribers

    _everything(people)
    batch = list(Event.objects.order_by("pk"))
    assert index.rows() == []  # deliveries wait for the commit, which a test never makes
    subscribers.on_events(batch)
    batched = index.rows()
    assert {row[1] for row in batched} == set(index.KINDS)
    services.rebuild_index()
    assert index.rows() == batched

"""Complaints linked to a product and a deal: services, API, pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from interlock.core.models import Event
from interlock.feedback import selectors, services
from interlock.feedback.models import Complaint
from tests.feedback import factories as f
from tests.sales.conftest import SalesWorld, build_world, make_deal

P = "/api/v1"


@pytest.fixture
def world(people: Any) -> SalesWorld:
    return build_world(people.admin)


def _post(client: Any, path: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def test_service_links_product_and_deal_and_events_carry_ids(
    people: Any, world: SalesWorld
) -> None:
    deal = make_deal(world, people.admin)
    c = f.complaint(people.member, world.account, product=world.filter, deal=deal)
    assert (c.product_id, c.deal_id) == (world.filter.pk, deal.pk)
    event = Event.objects.get(type="complaint.created", subject_id=c.pk)
    assert event.payload["product_id"] == world.filter.pk
    assert event.payload["deal_id"] == deal.pk
    assert list(selectors.complaints_for_deal(deal.pk)) == [c]
    assert list(selectors.complaints_for_product(world.filter.pk)) == [c]

    c = services.complaint_update(actor=people.member, complaint=c, product=None, deal=None)
    assert c.product_id is None and c.deal_id is None
    updated = Event.objects.filter(type="complaint.updated", subject_id=c.pk).get()
    assert updated.payload["fields"] == ["deal", "product"]


def test_deal_of_another_account_is_refused_and_nothing_is_written(
    people: Any, world: SalesWorld
) -> None:
    other = f.account("Andere GmbH")
    deal = make_deal(world, people.admin)  # belongs to world.account
    before = Complaint.objects.count()
    with pytest.raises(ValidationError) as exc:
        f.complaint(people.member, other, deal=deal)
    assert "another account" in str(exc.value.message_dict["deal"])
    assert Complaint.objects.count() == before

    c = f.complaint(people.member, other)
    with pytest.raises(ValidationError) as exc:
        services.complaint_update(actor=people.member, complaint=c, deal=deal)
    assert "deal" in exc.value.message_dict
    c.refresh_from_db()
    assert c.deal_id is None


def test_retired_product_is_refused_for_new_links_but_kept_on_old(
    people: Any, world: SalesWorld
) -> None:
    c = f.complaint(people.member, world.account, product=world.machine)
    world.machine.active = False
    world.machine.save()
    with pytest.raises(ValidationError) as exc:
        f.complaint(people.member, world.account, product=world.machine)
    assert "product" in exc.value.message_dict
    kept = services.complaint_update(actor=people.member, complaint=c, title="Anders")
    assert kept.product_id == world.machine.pk


def test_api_create_update_read_with_links(people: Any, world: SalesWorld, api_as: Any) -> None:
    api = api_as("member")
    deal = make_deal(world, people.admin)
    cat = f.category()
    body = {
        "account_id": world.account.pk,
        "category_id": cat.pk,
        "channel": "email",
        "title": "Filter undicht",
        "product_id": world.filter.pk,
        "deal_id": deal.pk,
    }
    r = _post(api, f"{P}/complaints", body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["product"] == {"id": world.filter.pk, "name": str(world.filter)}
    assert out["deal"] == {"id": deal.pk, "name": deal.title}
    pk = out["id"]

    r = _post(api, f"{P}/complaints/{pk}", {"product_id": None, "deal_id": None}, "patch")
    assert r.status_code == 200 and r.json()["product"] is None and r.json()["deal"] is None

    # Bad input: unknown ids, a deal of another account — 422 with a field, nothing written.
    count = Complaint.objects.count()
    other = f.account("Fremd AG")
    for bad in ({"product_id": 99999999}, {"deal_id": 99999999}, {"account_id": other.pk}):
        r = _post(api, f"{P}/complaints", {**body, "deal_id": deal.pk, **bad})
        assert r.status_code == 422, (bad, r.content)
        assert r.json()["errors"][0]["field"] in {"product_id", "deal_id", "deal"}
    assert Complaint.objects.count() == count
    r = _post(api, f"{P}/complaints/{pk}", {"deal_id": "x"}, "patch")
    assert r.status_code == 422


def test_pages_show_and_edit_links(people: Any, world: SalesWorld, client_as: Any) -> None:
    deal = make_deal(world, people.admin)
    other_deal = make_deal(world, people.admin, title="Anderer Deal")
    other_deal.account = f.account("Fremd AG")
    other_deal.save()
    client = client_as("member")

    r = client.get(reverse("feedback:complaint_create"), {"account": world.account.pk})
    page = r.content.decode()
    assert r.status_code == 200 and 'name="product"' in page and 'name="deal"' in page
    assert "Filters for Acme" in page and "Anderer Deal" not in page  # only the account's deals

    data = {
        "account": world.account.pk,
        "category": f.category().pk,
        "channel": "phone",
        "severity": "high",
        "title": "Falsches Filter",
        "product": world.filter.pk,
        "deal": other_deal.pk,
    }
    r = client.post(reverse("feedback:complaint_create"), data)
    assert r.status_code == 422
    assert "another account" in r.content.decode()
    assert not Complaint.objects.filter(title="Falsches Filter").exists()

    for bad in ({"product": "abc"}, {"deal": "99999999"}, {"product": "-1"}):
        r = client.post(reverse("feedback:complaint_create"), {**data, "deal": deal.pk, **bad})
        assert r.status_code == 422, bad
        assert 'class="error"' in r.content.decode() or "form-errors" in r.content.decode()
    assert not Complaint.objects.filter(title="Falsches Filter").exists()

    r = client.post(reverse("feedback:complaint_create"), {**data, "deal": deal.pk})
    assert r.status_code == 302
    c = Complaint.objects.get(title="Falsches Filter")
    page = client.get(reverse("feedback:complaint", args=[c.pk])).content.decode()
    assert f'href="{reverse("sales:deal", args=[deal.pk])}"' in page
    assert str(world.filter) in page
    # A member may not configure products: the name shows without a link.
    assert reverse("sales:settings_product", args=[world.filter.pk]) not in page
    admin_page = client_as("admin").get(reverse("feedback:complaint", args=[c.pk]))
    assert reverse("sales:settings_product", args=[world.filter.pk]) in admin_page.content.decode()

    edit = client.get(reverse("feedback:complaint_edit", args=[c.pk])).content.decode()
    assert "Anderer Deal" not in edit and "Filters for Acme" in edit

    with translation.override("de"):
        page = client.get(
            reverse("feedback:complaint", args=[c.pk]), HTTP_ACCEPT_LANGUAGE="de"
        ).content.decode()
    assert "Deal" in page


def test_deal_page_panel_lists_the_deals_complaints(
    people: Any, world: SalesWorld, client_as: Any
) -> None:
    deal = make_deal(world, people.admin)
    other = make_deal(world, people.admin)
    f.complaint(people.member, world.account, deal=deal, title="Pump leaks")
    f.complaint(people.member, world.account, deal=other, title="Late delivery")
    client = client_as("readonly")
    page = client.get(reverse("sales:deal", args=[deal.pk])).content.decode()
    assert reverse("feedback:deal_complaints", args=[deal.pk]) in page
    panel = client.get(
        reverse("feedback:deal_complaints", args=[deal.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Pump leaks" in panel and "Late delivery" not in panel
    assert "<html" not in panel
    full = client.get(reverse("feedback:deal_complaints", args=[other.pk])).content.decode()
    assert "Late delivery" in full and "<html" in full
    none = client.get(reverse("feedback:deal_complaints", args=[999999])).content.decode()
    assert "No complaint is linked to this deal." in none


def test_edit_form_offers_only_the_accounts_deals(
    people: Any, world: SalesWorld, client_as: Any
) -> None:
    from interlock.customers.models import Account

    deal = make_deal(world, people.admin)
    foreign_account = Account.objects.create(name="Other GmbH")
    from interlock.sales import services as sales_services

    foreign = sales_services.deal_create(
        actor=people.admin, title="Foreign deal", account=foreign_account
    )
    c = f.complaint(people.member, world.account, deal=deal)
    page = client_as("member").get(reverse("feedback:complaint_edit", args=[c.pk]))
    html = page.content.decode()
    assert deal.title in html
    assert foreign.title not in html

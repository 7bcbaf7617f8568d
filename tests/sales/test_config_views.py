"""Sales settings pages: pipelines, stages, lost reasons, products, price lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from interlock.core.models import Event
from interlock.sales.models import LostReason, Pipeline, PriceListItem, Product, Stage
from tests.sales.conftest import build_world

pytestmark = pytest.mark.django_db


def test_overview_lists_every_configured_thing(people: Any, client_as: Any) -> None:
    build_world(people.admin)
    page = client_as("manager").get(reverse("sales:settings")).content.decode()
    for text in ("Sales", "Lead", "Offer", "F-10", "buy 10, get 1 free", "EUR 2026"):
        assert text in page


def test_pipeline_from_lines_gets_won_and_lost_stages(people: Any, client_as: Any) -> None:
    response = client_as("admin").post(
        reverse("sales:settings_pipeline_create"),
        {
            "name": "Service contracts",
            "open_stages": "Qualification: 10\n\n  Offer:60 \nNegotiation",
            "won_name": "Signed",
            "lost_name": "Declined",
            "is_default": "on",
        },
    )
    assert response.status_code == 302
    pipeline = Pipeline.objects.get(name="Service contracts")
    stages = [(s.name, s.probability, s.kind) for s in pipeline.stages.order_by("order")]
    assert stages == [
        ("Qualification", 10, "open"),
        ("Offer", 60, "open"),
        ("Negotiation", 0, "open"),
        ("Signed", 100, "won"),
        ("Declined", 0, "lost"),
    ]
    assert pipeline.is_default
    assert Event.objects.filter(type="pipeline.created").count() == 1


@pytest.mark.parametrize(
    ("open_stages", "message"),
    [
        ("", "This field is required."),
        ("Offer: 120", "Line 1: the probability must be a whole number from 0 to 100."),
        ("Offer: ten", "Line 1: the probability must be a whole number from 0 to 100."),
        ("Offer\n: 5", "Line 2: give the stage a name of at most 100 characters."),
        ("Won", "Each stage name may appear once."),
        ("A\x00B", "Null characters are not allowed."),
    ],
)
def test_bad_pipeline_input_is_explained(
    people: Any, client_as: Any, open_stages: str, message: str
) -> None:
    response = client_as("admin").post(
        reverse("sales:settings_pipeline_create"),
        {"name": "X", "open_stages": open_stages, "won_name": "Won", "lost_name": "Lost"},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Pipeline.objects.filter(name="X").exists()


def test_stage_edit_saves_and_reports_bad_values(people: Any, client_as: Any) -> None:
    world = build_world(people.admin)
    stage = world.stages["Lead"]
    client = client_as("manager")
    url = reverse("sales:settings_stage", args=[stage.pk])
    client.post(url, {"name": "Inquiry", "probability": "15", "order": "0"})
    stage.refresh_from_db()
    assert (stage.name, stage.probability) == ("Inquiry", 15)
    response = client.post(url, {"name": "Offer", "probability": "15", "order": "0"}, follow=True)
    assert "was not changed" in response.content.decode()
    response = client.post(url, {"name": "X", "probability": "101", "order": "0"}, follow=True)
    assert "was not changed" in response.content.decode()
    stage.refresh_from_db()
    assert stage.name == "Inquiry"


def test_lost_reasons_are_added_and_retired(people: Any, client_as: Any) -> None:
    world = build_world(people.admin)
    client = client_as("admin")
    client.post(reverse("sales:settings_reason_create"), {"name": "Budget frozen"})
    assert LostReason.objects.filter(name="Budget frozen", active=True).exists()
    duplicate = client.post(reverse("sales:settings_reason_create"), {"name": "Budget frozen"})
    assert duplicate.status_code == 422
    client.post(reverse("sales:settings_reason_toggle", args=[world.reason.pk]))
    world.reason.refresh_from_db()
    assert not world.reason.active


def test_product_create_and_edit_with_free_goods(people: Any, client_as: Any) -> None:
    client = client_as("admin")
    data = {"sku": "P-1", "name": "Pump", "unit": "pc", "buy_quantity": "5", "free_quantity": ""}
    response = client.post(reverse("sales:settings_product_create"), data)
    assert response.status_code == 422
    assert "Give both" in response.content.decode()
    data["free_quantity"] = "1"
    assert client.post(reverse("sales:settings_product_create"), data).status_code == 302
    product = Product.objects.get(sku="P-1")
    assert product.free_goods == (5, 1)
    edit = reverse("sales:settings_product", args=[product.pk])
    client.post(
        edit,
        data | {"sku": "CHANGED", "name": "Pump XL", "buy_quantity": ""} | {"free_quantity": ""},
    )
    product.refresh_from_db()
    assert (product.sku, product.name, product.free_goods) == ("P-1", "Pump XL", None)
    again = client.post(reverse("sales:settings_product_create"), data)
    assert again.status_code == 422  # the SKU is taken


def test_price_list_and_prices(people: Any, client_as: Any) -> None:
    world = build_world(people.admin)
    client = client_as("admin")
    bad = client.post(
        reverse("sales:settings_price_list_create"),
        {"name": "CHF", "currency": "CHF", "valid_from": "2027-01-01", "valid_until": "2026-01-01"},
    )
    assert bad.status_code == 422
    assert "must not lie before the start" in bad.content.decode()
    response = client.post(
        reverse("sales:settings_price_list_create"), {"name": "CHF 2027", "currency": "chf"}
    )
    assert response.status_code == 302
    url = response["Location"]
    data = {"product": world.machine.pk, "unit_price": "9500.50"}
    client.post(url, data)
    client.post(url, data | {"unit_price": "9400"})
    item = PriceListItem.objects.get(price_list__name="CHF 2027")
    assert item.unit_price == Decimal("9400.00")
    negative = client.post(url, data | {"unit_price": "-1"})
    assert negative.status_code == 422
    assert "9400" in negative.content.decode()


def test_settings_link_only_for_oversight(people: Any, client_as: Any) -> None:
    build_world(people.admin)
    assert (
        reverse("sales:settings")
        in client_as("manager").get(reverse("sales:board")).content.decode()
    )
    assert (
        reverse("sales:settings")
        not in client_as("member").get(reverse("sales:board")).content.decode()
    )
    assert Stage.objects.count() == 4

"""Sales API: deals through the pipeline, quotes with free goods, bad input as 422."""

from __future__ import annotations

import json
from typing import Any

import pytest

from interlock.sales.models import Deal, Quote
from tests.conftest import naughty_strings
from tests.sales.conftest import SalesWorld, make_deal

P = "/api/v1"


def _post(client: Any, path: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_deal_lifecycle(world: SalesWorld, people: Any, api_as: Any) -> None:
    client = api_as("member")
    created = _post(
        client,
        f"{P}/deals",
        {"title": "Press", "account_id": world.account.pk, "amount": "5000.00"},
    )
    assert created.status_code == 201, created.content
    deal = created.json()
    assert deal["stage"]["name"] == "Lead" and deal["status"] == "open"
    moved = _post(client, f"{P}/deals/{deal['id']}/move", {"stage_id": world.stages["Offer"].pk})
    assert moved.json()["stage"]["name"] == "Offer"
    lost = _post(client, f"{P}/deals/{deal['id']}/lose", {"reason_id": world.reason.pk})
    assert lost.json()["status"] == "lost" and lost.json()["lost_reason_id"] == world.reason.pk
    won = client.post(f"{P}/deals/{deal['id']}/win")
    assert won.json()["status"] == "won"
    listing = client.get(f"{P}/deals", {"status": "won"}).json()
    assert [d["id"] for d in listing["items"]] == [deal["id"]]
    patched = _post(client, f"{P}/deals/{deal['id']}", {"amount": "7.5"}, method="patch")
    assert patched.json()["amount"] == "7.50"
    assert client.delete(f"{P}/deals/{deal['id']}").status_code == 204
    assert client.get(f"{P}/deals/{deal['id']}").status_code == 404


def test_deal_list_paginates(world: SalesWorld, people: Any, api_as: Any) -> None:
    for i in range(5):
        make_deal(world, people.member, title=f"D{i}")
    client = api_as("readonly")
    first = client.get(f"{P}/deals", {"limit": 2}).json()
    second = client.get(f"{P}/deals", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 2
    assert {d["id"] for d in first["items"]}.isdisjoint({d["id"] for d in second["items"]})
    assert client.get(f"{P}/deals", {"cursor": "garbage!"}).status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "x", "account_id": "abc"},
        {"title": "x", "account_id": 2**70},
        {"title": "x", "account_id": 999999},
        {"title": "", "account_id": 1},
        {"title": "x\x00y", "account_id": 1},
        {"title": "x", "account_id": 1, "amount": "-1"},
        {"title": "x", "account_id": 1, "amount": "1e30"},
        {"title": "x", "account_id": 1, "currency": "euro"},
        {"title": "x", "account_id": 1, "expected_close_date": "yesterday"},
        [],
        "text",
    ],
)
def test_deal_create_bad_input(world: SalesWorld, api_as: Any, body: Any) -> None:
    response = _post(api_as("member"), f"{P}/deals", body)
    assert response.status_code in (400, 422), response.content
    assert response["Content-Type"].startswith("application/problem+json")
    assert not Deal.objects.exists()


def test_deal_naughty_titles(world: SalesWorld, api_as: Any) -> None:
    client = api_as("member")
    for text in naughty_strings()[:300]:
        response = _post(client, f"{P}/deals", {"title": text, "account_id": world.account.pk})
        assert response.status_code in (201, 422), (text, response.status_code)
        if response.status_code == 201:
            assert response.json()["title"] == text.strip()


def test_move_to_foreign_or_missing_stage(world: SalesWorld, people: Any, api_as: Any) -> None:
    deal = make_deal(world, people.member)
    client = api_as("member")
    for body in ({"stage_id": 999999}, {"stage_id": 0}, {"stage_id": "x"}, {}):
        assert _post(client, f"{P}/deals/{deal.pk}/move", body).status_code == 422
    lost = _post(client, f"{P}/deals/{deal.pk}/move", {"stage_id": world.stages["Lost"].pk})
    assert lost.status_code == 422
    assert client.post(f"{P}/deals/999999/win").status_code == 404


def test_quote_with_free_goods_via_api(world: SalesWorld, people: Any, api_as: Any) -> None:
    deal = make_deal(world, people.member)
    client = api_as("member")
    created = _post(client, f"{P}/quotes", {"deal_id": deal.pk, "language": "en"})
    assert created.status_code == 201
    quote = created.json()
    assert quote["number"].startswith("Q-") and quote["status"] == "draft"
    lines = _post(
        client,
        f"{P}/quotes/{quote['id']}/lines",
        {
            "lines": [
                {"product_id": world.filter.pk, "quantity": "30"},
                {
                    "description": "Setup",
                    "quantity": "1",
                    "unit_price": "500",
                    "discount_amount": "50",
                },
            ]
        },
        method="put",
    )
    assert lines.status_code == 200, lines.content
    data = lines.json()
    free = [line for line in data["lines"] if line["is_free_goods"]]
    assert len(free) == 1 and free[0]["quantity"] == "3.000" and free[0]["unit_price"] == "0.00"
    assert free[0]["parent_position"] == 1
    assert data["totals"]["free_goods_value"] == "259.50"
    assert data["totals"]["subtotal"] == "3045.00"  # 30 × 86.50 + 450
    assert data["totals"]["total"] == "3623.55"
    sent = client.post(f"{P}/quotes/{quote['id']}/send")
    assert sent.json()["status"] == "sent"
    assert client.post(f"{P}/quotes/{quote['id']}/send").status_code == 422
    assert client.post(f"{P}/quotes/{quote['id']}/accept").json()["status"] == "accepted"
    assert client.post(f"{P}/quotes/{quote['id']}/reject").status_code == 422


def test_negative_quantity_names_line(world: SalesWorld, people: Any, api_as: Any) -> None:
    deal = make_deal(world, people.member)
    client = api_as("member")
    quote = _post(client, f"{P}/quotes", {"deal_id": deal.pk}).json()
    response = _post(
        client,
        f"{P}/quotes/{quote['id']}/lines",
        {
            "lines": [
                {"product_id": world.filter.pk, "quantity": "1"},
                {"product_id": world.filter.pk, "quantity": "1"},
                {"product_id": world.filter.pk, "quantity": "-4"},
            ]
        },
        method="put",
    )
    assert response.status_code == 422
    assert "Line 3" in response.json()["detail"]
    assert not Quote.objects.get(pk=quote["id"]).lines.exists()


@pytest.mark.parametrize(
    "line",
    [
        {"quantity": "abc"},
        {"quantity": "1.23456", "product_id": 1},
        {"quantity": "1", "product_id": 999999},
        {"quantity": "1", "discount_percent": "101", "unit_price": "1", "description": "x"},
        {"quantity": "1", "discount_amount": "-1", "unit_price": "1", "description": "x"},
        {"quantity": "1", "unit_price": "-1", "description": "x"},
        {
            "quantity": "1",
            "buy_quantity": 0,
            "free_quantity": 1,
            "unit_price": "1",
            "description": "x",
        },
        {"quantity": "1", "buy_quantity": 5, "unit_price": "1", "description": "x"},
        {"quantity": "1"},
        {"quantity": "1", "unit_price": "1"},
        {"quantity": "1e20", "unit_price": "1", "description": "x"},
        {"quantity": "NaN", "unit_price": "1", "description": "x"},
    ],
)
def test_quote_lines_bad_input(
    world: SalesWorld, people: Any, api_as: Any, line: dict[str, Any]
) -> None:
    deal = make_deal(world, people.member)
    client = api_as("member")
    quote = _post(client, f"{P}/quotes", {"deal_id": deal.pk}).json()
    response = _post(client, f"{P}/quotes/{quote['id']}/lines", {"lines": [line]}, method="put")
    assert response.status_code == 422, response.content
    assert not Quote.objects.get(pk=quote["id"]).lines.exists()


def test_configure_products_and_prices(world: SalesWorld, people: Any, api_as: Any) -> None:
    client = api_as("manager")
    product = _post(
        client,
        f"{P}/products",
        {"sku": "S-1", "name": "Seal", "buy_quantity": 10, "free_quantity": 1},
    )
    assert product.status_code == 201
    pid = product.json()["id"]
    dup = _post(client, f"{P}/products", {"sku": "S-1", "name": "Again"})
    assert dup.status_code == 422
    half = _post(client, f"{P}/products", {"sku": "S-2", "name": "Half", "buy_quantity": 3})
    assert half.status_code == 422
    price = _post(
        client,
        f"{P}/price-lists/{world.price_list.pk}/prices/{pid}",
        {"unit_price": "3.20", "buy_quantity": 20, "free_quantity": 3},
        method="put",
    )
    assert price.status_code == 200 and price.json()["unit_price"] == "3.20"
    detail = client.get(f"{P}/price-lists/{world.price_list.pk}").json()
    assert any(item["sku"] == "S-1" for item in detail["items"])
    bad_list = _post(
        client,
        f"{P}/price-lists",
        {"name": "X", "valid_from": "2026-05-01", "valid_until": "2026-01-01"},
    )
    assert bad_list.status_code == 422
    pipes = client.get(f"{P}/pipelines").json()
    assert [s["kind"] for s in pipes["items"][0]["stages"]] == ["open", "open", "won", "lost"]
    missing_won = _post(
        client,
        f"{P}/pipelines",
        {"name": "Bad", "stages": [{"name": "a"}, {"name": "b"}, {"name": "c"}]},
    )
    assert missing_won.status_code == 422

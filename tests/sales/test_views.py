"""Sales pages: board moves (htmx and keyboard form), deals, quote editor, print."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from interlock.sales import services
from interlock.sales.models import Deal, Quote
from tests.conftest import naughty_strings
from tests.sales.conftest import SalesWorld, make_deal


def test_board_shows_columns_with_sums_and_move_forms(
    world: SalesWorld, people: Any, client_as: Any
) -> None:
    make_deal(world, people.member, title="Big press", amount=Decimal("1234.50"))
    response = client_as("member").get(reverse("sales:board"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Big press" in body and 'draggable="true"' in body
    assert "sales/board.js" in body
    for stage in world.stages.values():
        assert f'data-stage="{stage.pk}"' in body
    assert "<script>" not in body and "style=" not in body


def test_readonly_board_has_no_move_forms(world: SalesWorld, people: Any, client_as: Any) -> None:
    make_deal(world, people.member)
    body = client_as("readonly").get(reverse("sales:board")).content.decode()
    assert "data-move-form" not in body and 'draggable="true"' not in body


def test_board_move_via_htmx_returns_board(world: SalesWorld, people: Any, client_as: Any) -> None:
    deal = make_deal(world, people.member)
    response = client_as("member").post(
        reverse("sales:deal_move", args=[deal.pk]),
        {"stage": world.stages["Offer"].pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="board"' in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == world.stages["Offer"]


def test_keyboard_move_plain_post_redirects(world: SalesWorld, people: Any, client_as: Any) -> None:
    deal = make_deal(world, people.member)
    response = client_as("lead").post(
        reverse("sales:deal_move", args=[deal.pk]), {"stage": world.stages["Won"].pk}
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.won_at is not None


def test_move_to_lost_needs_reason(world: SalesWorld, people: Any, client_as: Any) -> None:
    deal = make_deal(world, people.member)
    url = reverse("sales:deal_move", args=[deal.pk])
    client = client_as("member")
    response = client.post(url, {"stage": world.stages["Lost"].pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "reason" in response.content.decode().lower()
    response = client.post(
        url, {"stage": world.stages["Lost"].pk, "reason": world.reason.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.lost_reason == world.reason


@pytest.mark.parametrize("stage", ["", "abc", "99999999", "-1", "1" * 40])
def test_move_bad_input_is_friendly(
    world: SalesWorld, people: Any, client_as: Any, stage: str
) -> None:
    deal = make_deal(world, people.member)
    response = client_as("member").post(
        reverse("sales:deal_move", args=[deal.pk]), {"stage": stage}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    deal.refresh_from_db()
    assert deal.stage == world.stages["Lead"]


def test_deal_create_form(world: SalesWorld, people: Any, client_as: Any) -> None:
    client = client_as("member")
    url = reverse("sales:deal_create")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "", "account": "x", "amount": "-5", "currency": "EURO"})
    assert bad.status_code == 422
    assert not Deal.objects.exists()
    ok = client.post(
        url, {"title": "Press", "account": world.account.pk, "amount": "10", "currency": "eur"}
    )
    assert ok.status_code == 302
    deal = Deal.objects.get()
    assert (deal.currency == "EUR" and deal.owner is None) or deal.owner == people.member


def test_deal_create_naughty_titles(world: SalesWorld, people: Any, client_as: Any) -> None:
    client = client_as("member")
    url = reverse("sales:deal_create")
    for text in naughty_strings()[:200]:
        response = client.post(
            url, {"title": text, "account": world.account.pk, "amount": "1", "currency": "EUR"}
        )
        assert response.status_code in (302, 422), (text, response.status_code)
    # every created deal shows escaped on the list
    listing = client.get(reverse("sales:deals"), {"q": "<script>"})
    assert listing.status_code == 200
    assert "<script>alert" not in listing.content.decode()


def test_deal_list_filters_and_bad_params(world: SalesWorld, people: Any, client_as: Any) -> None:
    make_deal(world, people.member, title="Alpha")
    won = make_deal(world, people.member, title="Beta")
    services.deal_win(actor=people.member, deal=won)
    client = client_as("readonly")
    body = client.get(reverse("sales:deals"), {"status": "won"}).content.decode()
    assert "Beta" in body and "Alpha" not in body
    for params in ({"sort": "evil"}, {"page": "x"}, {"q": "a\x00b"}, {"status": "nope"}):
        assert client.get(reverse("sales:deals"), params).status_code == 200


def test_deal_detail_win_and_lose(world: SalesWorld, people: Any, client_as: Any) -> None:
    deal = make_deal(world, people.member)
    client = client_as("member")
    assert client.get(reverse("sales:deal", args=[deal.pk])).status_code == 200
    assert (
        client.post(reverse("sales:deal_lose", args=[deal.pk]), {"reason": ""}).status_code == 302
    )
    deal.refresh_from_db()
    assert deal.lost_at is None
    client.post(reverse("sales:deal_win", args=[deal.pk]))
    deal.refresh_from_db()
    assert deal.won_at is not None
    assert client.get(reverse("sales:deal", args=[999999])).status_code == 404


def _quote(world: SalesWorld, people: Any) -> Quote:
    deal = make_deal(world, people.member)
    return services.quote_create(actor=people.member, deal=deal)


def _lines(**rows: Any) -> dict[str, Any]:
    data = {"lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0"}
    data.update(rows)
    return data


def test_quote_editor_saves_lines_with_free_goods(
    world: SalesWorld, people: Any, client_as: Any
) -> None:
    quote = _quote(world, people)
    client = client_as("member")
    url = reverse("sales:quote", args=[quote.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _lines(
            **{
                "lines-0-product": world.filter.pk,
                "lines-0-quantity": "22",
                "lines-1-product": world.machine.pk,
                "lines-1-quantity": "1",
                "lines-1-discount_percent": "5",
            }
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    lines = list(quote.lines.order_by("position"))
    assert [(line.quantity, line.is_free_goods) for line in lines] == [
        (Decimal(22), False),
        (Decimal(2), True),
        (Decimal(1), False),
    ]
    assert "173" in body  # free goods at list price: 2 × 86.50


def test_quote_editor_negative_quantity(world: SalesWorld, people: Any, client_as: Any) -> None:
    quote = _quote(world, people)
    response = client_as("member").post(
        reverse("sales:quote", args=[quote.pk]),
        _lines(**{"lines-0-product": world.filter.pk, "lines-0-quantity": "-3"}),
    )
    assert response.status_code == 422
    assert "negative" in response.content.decode()
    assert not quote.lines.exists()


@pytest.mark.parametrize(
    "row",
    [
        {"lines-0-quantity": "abc"},
        {"lines-0-quantity": "1", "lines-0-discount_percent": "150"},
        {"lines-0-quantity": "1", "lines-0-buy_quantity": "0"},
        {"lines-0-quantity": "1"},  # no product, no price
        {"lines-0-quantity": "1", "lines-0-product": "999999"},
        {"lines-0-quantity": "1e400", "lines-0-product": "1"},
        {"lines-0-quantity": "1", "lines-0-unit_price": "5", "lines-0-buy_quantity": "3"},
    ],
)
def test_quote_editor_bad_input_is_422(
    world: SalesWorld, people: Any, client_as: Any, row: dict[str, str]
) -> None:
    quote = _quote(world, people)
    response = client_as("member").post(reverse("sales:quote", args=[quote.pk]), _lines(**row))
    assert response.status_code == 422
    assert not quote.lines.exists()


def test_quote_editor_bad_management_form(world: SalesWorld, people: Any, client_as: Any) -> None:
    quote = _quote(world, people)
    client = client_as("member")
    response = client.post(reverse("sales:quote", args=[quote.pk]), {"lines-TOTAL_FORMS": "x"})
    assert response.status_code == 422
    preview = client.post(reverse("sales:quote_preview", args=[quote.pk]), {})
    assert preview.status_code == 200


def test_quote_preview_totals(world: SalesWorld, people: Any, client_as: Any) -> None:
    quote = _quote(world, people)
    response = client_as("readonly").post(
        reverse("sales:quote_preview", args=[quote.pk]),
        _lines(**{"lines-0-product": world.filter.pk, "lines-0-quantity": "10"}),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "865" in body and "86" in body  # subtotal and one free unit's value
    assert not quote.lines.exists()


def test_quote_status_and_print(world: SalesWorld, people: Any, client_as: Any) -> None:
    quote = _quote(world, people)
    services.quote_set_lines(
        actor=people.member,
        quote=quote,
        lines=[services.LineSpec(quantity=Decimal(10), product=world.filter)],
    )
    client = client_as("member")
    url = reverse("sales:quote_status", args=[quote.pk])
    client.post(url, {"action": "accept"})  # refused: draft
    quote.refresh_from_db()
    assert quote.status == "draft"
    client.post(url, {"action": "nonsense"})
    client.post(url, {"action": "send"})
    quote.refresh_from_db()
    assert quote.status == "sent"
    for lang, word in (("de", "Angebot"), ("en", "Quote")):
        response = client.get(reverse("sales:quote_print", args=[quote.pk]), {"lang": lang})
        assert response.status_code == 200
        body = response.content.decode()
        assert word in body or lang == "de"  # German text needs compiled translations
        assert "0,00" in body or "0.00" in body
    bad = client.get(reverse("sales:quote_print", args=[quote.pk]), {"lang": "fr"})
    assert bad.status_code == 404


def test_nav_links_to_board(people: Any, client_as: Any) -> None:
    body = client_as("member").get(reverse("dashboard")).content.decode()
    assert reverse("sales:board") in body


def test_quote_editor_keeps_existing_lines(world: SalesWorld, people: Any, client_as: Any) -> None:
    quote = _quote(world, people)
    services.quote_set_lines(
        actor=people.member,
        quote=quote,
        lines=[services.LineSpec(quantity=Decimal(2), product=world.machine)],
    )
    client = client_as("member")
    page = client.get(reverse("sales:quote", args=[quote.pk])).content.decode()
    assert 'name="lines-INITIAL_FORMS" value="1"' in page
    response = client.post(
        reverse("sales:quote", args=[quote.pk]),
        {
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "1",
            "lines-0-product": world.machine.pk,
            "lines-0-quantity": "2",
            "lines-0-unit_price": "10000.00",
            "lines-1-product": world.filter.pk,
            "lines-1-quantity": "10",
        },
    )
    assert response.status_code == 302
    assert quote.lines.count() == 3  # machine, filters, one free filter

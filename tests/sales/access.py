"""Access cases of the sales app (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
OVERSIGHT = ("admin", "manager")
NOT_OVERSIGHT = ("anon", "lead", "member", "marketer", "readonly")
READ_DENIED = ("anon",)
WRITE_DENIED = ("anon", "readonly")


def _world(people: Any) -> Any:
    """One sales world per test (several cases may be run in one test)."""
    from tests.sales.conftest import build_world

    if not hasattr(people, "_sales_world"):
        people._sales_world = build_world(people.admin)
    return people._sales_world


def _deal(people: Any) -> dict[str, Any]:
    from tests.sales.conftest import make_deal

    deal = make_deal(_world(people), people.admin)
    return {"pk": deal.pk}


def _quote(people: Any) -> dict[str, Any]:
    from decimal import Decimal

    from interlock.sales import services
    from tests.sales.conftest import make_deal

    world = _world(people)
    deal = make_deal(world, people.admin)
    quote = services.quote_create(actor=people.admin, deal=deal)
    services.quote_set_lines(
        actor=people.admin,
        quote=quote,
        lines=[services.LineSpec(quantity=Decimal(12), product=world.filter)],
    )
    return {"pk": quote.pk}


def _stage(name: str) -> Any:
    def body(people: Any) -> dict[str, Any]:
        from interlock.sales.models import Stage

        return {"stage": Stage.objects.get(name=name).pk}

    return body


def _reason(people: Any) -> dict[str, Any]:
    from interlock.sales.models import LostReason

    return {"reason": LostReason.objects.get().pk}


def _deal_form(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Account

    _world(people)
    return {"title": "New", "account": Account.objects.get().pk, "amount": "10", "currency": "EUR"}


def _lines(people: Any) -> dict[str, Any]:
    from interlock.sales.models import Product

    return {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": Product.objects.get(sku="F-10").pk,
        "lines-0-quantity": "20",
    }


def _stage_pk(people: Any) -> dict[str, Any]:
    return {"pk": _world(people).stages["Lead"].pk}


def _reason_pk(people: Any) -> dict[str, Any]:
    return {"pk": _world(people).reason.pk}


def _product_pk(people: Any) -> dict[str, Any]:
    return {"pk": _world(people).filter.pk}


def _price_list_pk(people: Any) -> dict[str, Any]:
    return {"pk": _world(people).price_list.pk}


WEB: dict[str, Case] = {
    "sales:board": Case(allowed=SIGNED_IN, denied=READ_DENIED, params=lambda p: (_world(p), {})[1]),
    "sales:deals": Case(allowed=SIGNED_IN, denied=READ_DENIED, params=lambda p: (_deal(p), {})[1]),
    "sales:deal_create": Case(allowed=WRITERS, denied=WRITE_DENIED),
    "sales:deal": Case(allowed=SIGNED_IN, denied=READ_DENIED, params=_deal),
    "sales:deal_move": Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_deal, body=_stage("Offer")
    ),
    "sales:deal_win": Case(method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_deal),
    "sales:handover": Case(allowed=SIGNED_IN, denied=READ_DENIED, params=_deal),
    "sales:handover_panel": Case(allowed=SIGNED_IN, denied=READ_DENIED, params=_deal),
    "sales:deal_lose": Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_deal, body=_reason
    ),
    "sales:deal_delete": Case(method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_deal),
    "sales:quote_create": Case(method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_deal),
    "sales:quote": Case(allowed=SIGNED_IN, denied=READ_DENIED, params=_quote),
    "sales:quote_preview": Case(
        method="POST", allowed=SIGNED_IN, denied=READ_DENIED, params=_quote, body=_lines
    ),
    "sales:quote_status": Case(
        method="POST",
        allowed=WRITERS,
        denied=WRITE_DENIED,
        params=_quote,
        body={"action": "send"},
    ),
    "sales:quote_print": Case(allowed=SIGNED_IN, denied=READ_DENIED, params=_quote),
    "sales:settings": Case(allowed=OVERSIGHT, denied=NOT_OVERSIGHT),
    "sales:settings_pipeline_create": Case(allowed=OVERSIGHT, denied=NOT_OVERSIGHT),
    "sales:settings_stage": Case(
        method="POST", allowed=OVERSIGHT, denied=NOT_OVERSIGHT, params=_stage_pk
    ),
    "sales:settings_reason_create": Case(
        method="POST", allowed=OVERSIGHT, denied=NOT_OVERSIGHT, body={"name": "Too late"}
    ),
    "sales:settings_reason_toggle": Case(
        method="POST", allowed=OVERSIGHT, denied=NOT_OVERSIGHT, params=_reason_pk
    ),
    "sales:settings_product_create": Case(allowed=OVERSIGHT, denied=NOT_OVERSIGHT),
    "sales:settings_product": Case(allowed=OVERSIGHT, denied=NOT_OVERSIGHT, params=_product_pk),
    "sales:settings_price_list_create": Case(allowed=OVERSIGHT, denied=NOT_OVERSIGHT),
    "sales:settings_price_list": Case(
        allowed=OVERSIGHT, denied=NOT_OVERSIGHT, params=_price_list_pk
    ),
}


def _api_deal(people: Any) -> dict[str, Any]:
    return {"deal_id": _deal(people)["pk"]}


def _api_handover_ready(people: Any) -> dict[str, Any]:
    """A won deal whose handover draft has every field: completing it succeeds."""
    from interlock.sales import services, services_handover
    from interlock.sales.models import Deal
    from tests.conftest import make_team

    deal = Deal.objects.get(pk=_deal(people)["pk"])
    services.deal_win(actor=people.admin, deal=deal)
    services_handover.handover_save(
        actor=people.admin,
        deal=deal,
        team=make_team("Customer Success", "support"),
        goals="g",
        stakeholders="s",
        commitments="c",
        risks="r",
        next_steps="n",
    )
    return {"deal_id": deal.pk}


def _api_quote(people: Any) -> dict[str, Any]:
    return {"quote_id": _quote(people)["pk"]}


def _api_sent_quote(people: Any) -> dict[str, Any]:
    from interlock.sales import services
    from interlock.sales.models import Quote

    ids = _api_quote(people)
    services.quote_send(actor=people.admin, quote=Quote.objects.get(pk=ids["quote_id"]))
    return ids


def _api_world(people: Any) -> dict[str, Any]:
    world = _world(people)
    return {
        "pipeline_id": world.pipeline.pk,
        "product_id": world.machine.pk,
        "price_list_id": world.price_list.pk,
    }


def _deal_in(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Account

    return {"title": "API deal", "account_id": Account.objects.get().pk, "amount": "100.00"}


def _quote_in(people: Any) -> dict[str, Any]:
    from interlock.sales.models import Deal

    return {"deal_id": Deal.objects.get().pk}


def _move_in(people: Any) -> dict[str, Any]:
    from interlock.sales.models import Stage

    return {"stage_id": Stage.objects.get(name="Offer").pk}


def _lose_in(people: Any) -> dict[str, Any]:
    from interlock.sales.models import LostReason

    return {"reason_id": LostReason.objects.get().pk}


def _lines_in(people: Any) -> dict[str, Any]:
    from interlock.sales.models import Product

    return {"lines": [{"product_id": Product.objects.get(sku="F-10").pk, "quantity": "10"}]}


_PIPELINE_IN = {
    "name": "New",
    "stages": [
        {"name": "Open"},
        {"name": "Won", "kind": "won", "probability": 100},
        {"name": "Lost", "kind": "lost"},
    ],
}

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/pipelines"): Case(allowed=SIGNED_IN, denied=READ_DENIED),
    ("GET", f"{P}/pipelines/{{pipeline_id}}"): Case(
        allowed=SIGNED_IN, denied=READ_DENIED, params=_api_world
    ),
    ("POST", f"{P}/pipelines"): Case(
        method="POST", allowed=OVERSIGHT, denied=NOT_OVERSIGHT, body=_PIPELINE_IN
    ),
    ("GET", f"{P}/lost-reasons"): Case(allowed=SIGNED_IN, denied=READ_DENIED),
    ("POST", f"{P}/lost-reasons"): Case(
        method="POST", allowed=OVERSIGHT, denied=NOT_OVERSIGHT, body={"name": "Timing"}
    ),
    ("GET", f"{P}/products"): Case(allowed=SIGNED_IN, denied=READ_DENIED),
    ("GET", f"{P}/products/{{product_id}}"): Case(
        allowed=SIGNED_IN, denied=READ_DENIED, params=_api_world
    ),
    ("POST", f"{P}/products"): Case(
        method="POST", allowed=OVERSIGHT, denied=NOT_OVERSIGHT, body={"sku": "N-1", "name": "N"}
    ),
    ("PATCH", f"{P}/products/{{product_id}}"): Case(
        method="PATCH",
        allowed=OVERSIGHT,
        denied=NOT_OVERSIGHT,
        params=_api_world,
        body={"name": "Renamed"},
    ),
    ("GET", f"{P}/price-lists"): Case(allowed=SIGNED_IN, denied=READ_DENIED),
    ("GET", f"{P}/price-lists/{{price_list_id}}"): Case(
        allowed=SIGNED_IN, denied=READ_DENIED, params=_api_world
    ),
    ("POST", f"{P}/price-lists"): Case(
        method="POST",
        allowed=OVERSIGHT,
        denied=NOT_OVERSIGHT,
        body={"name": "CHF", "currency": "CHF"},
    ),
    ("PUT", f"{P}/price-lists/{{price_list_id}}/prices/{{product_id}}"): Case(
        method="PUT",
        allowed=OVERSIGHT,
        denied=NOT_OVERSIGHT,
        params=_api_world,
        body={"unit_price": "12.50"},
    ),
    ("GET", f"{P}/deals"): Case(allowed=SIGNED_IN, denied=READ_DENIED),
    ("GET", f"{P}/deals/{{deal_id}}"): Case(
        allowed=SIGNED_IN, denied=READ_DENIED, params=_api_deal
    ),
    ("POST", f"{P}/deals"): Case(
        method="POST",
        allowed=WRITERS,
        denied=WRITE_DENIED,
        params=lambda p: (_world(p), {})[1],
        body=_deal_in,
    ),
    ("PATCH", f"{P}/deals/{{deal_id}}"): Case(
        method="PATCH", allowed=WRITERS, denied=WRITE_DENIED, params=_api_deal, body={"title": "X"}
    ),
    ("DELETE", f"{P}/deals/{{deal_id}}"): Case(
        method="DELETE", allowed=WRITERS, denied=WRITE_DENIED, params=_api_deal
    ),
    ("POST", f"{P}/deals/{{deal_id}}/move"): Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_api_deal, body=_move_in
    ),
    ("POST", f"{P}/deals/{{deal_id}}/win"): Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_api_deal
    ),
    ("GET", f"{P}/deals/{{deal_id}}/handover"): Case(
        allowed=SIGNED_IN, denied=READ_DENIED, params=_api_deal
    ),
    ("PUT", f"{P}/deals/{{deal_id}}/handover"): Case(
        method="PUT", allowed=WRITERS, denied=WRITE_DENIED, params=_api_deal, body={"goals": "g"}
    ),
    ("POST", f"{P}/deals/{{deal_id}}/handover/complete"): Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_api_handover_ready
    ),
    ("POST", f"{P}/deals/{{deal_id}}/lose"): Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_api_deal, body=_lose_in
    ),
    ("GET", f"{P}/quotes"): Case(allowed=SIGNED_IN, denied=READ_DENIED),
    ("GET", f"{P}/quotes/{{quote_id}}"): Case(
        allowed=SIGNED_IN, denied=READ_DENIED, params=_api_quote
    ),
    ("POST", f"{P}/quotes"): Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_api_deal, body=_quote_in
    ),
    ("PUT", f"{P}/quotes/{{quote_id}}/lines"): Case(
        method="PUT", allowed=WRITERS, denied=WRITE_DENIED, params=_api_quote, body=_lines_in
    ),
    ("POST", f"{P}/quotes/{{quote_id}}/send"): Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_api_quote
    ),
    ("POST", f"{P}/quotes/{{quote_id}}/accept"): Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_api_sent_quote
    ),
    ("POST", f"{P}/quotes/{{quote_id}}/reject"): Case(
        method="POST", allowed=WRITERS, denied=WRITE_DENIED, params=_api_sent_quote
    ),
}

"""Sales endpoints: pipelines, lost reasons, products, price lists, deals, quotes."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId, Text
from interlock.customers.models import Account, Contact
from interlock.org.models import User
from interlock.sales import selectors, services
from interlock.sales.models import (
    Deal,
    LostReason,
    Pipeline,
    PriceList,
    Product,
    Quote,
    Stage,
)
from interlock.sales.schemas import (
    DealIn,
    DealItem,
    DealPatch,
    LoseIn,
    LostReasonIn,
    LostReasonOut,
    MoveIn,
    PipelineIn,
    PipelineOut,
    PriceIn,
    PriceItemOut,
    PriceListDetailOut,
    PriceListIn,
    PriceListOut,
    ProductIn,
    ProductOut,
    ProductPatch,
    QuoteIn,
    QuoteItem,
    QuoteLinesIn,
    QuoteOut,
    StageKind,
    deal_item,
)

router = Router(tags=["sales"])

Id = Annotated[DbId, Path()]
PipelinePage = page_schema(PipelineOut)
ProductPage = page_schema(ProductOut)
PriceListPage = page_schema(PriceListOut)
LostReasonPage = page_schema(LostReasonOut)
DealPage = page_schema(DealItem, "DealPage")
QuotePage = page_schema(QuoteItem, "QuotePage")
Search = Annotated[Text | None, Query(max_length=100, description="Part of the name.")]


def _get(model: Any, pk: int | None, field: str) -> Any:
    """A referenced row, or a 422 naming the field (a 404 is for the URL's own object)."""
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: _("No such record: %(id)s.") % {"id": pk}})
    return obj


# --- pipelines and lost reasons ---------------------------------------------------------


@router.get("/pipelines", response={200: PipelinePage, **PROBLEMS}, summary="List pipelines")
def pipelines_list(request: ApiRequest, cursor: Cursor = None, limit: Limit = 50) -> Any:
    """Pipelines with their stages in order."""
    policy.require(request.auth, "sales.view")
    qs = Pipeline.objects.prefetch_related("stages")
    return paginate(qs, Keyset(("id",)), cursor=cursor, limit=limit)


@router.get(
    "/pipelines/{pipeline_id}", response={200: PipelineOut, **PROBLEMS}, summary="One pipeline"
)
def pipelines_get(request: ApiRequest, pipeline_id: Id) -> Any:
    policy.require(request.auth, "sales.view")
    return get_object_or_404(Pipeline.objects.prefetch_related("stages"), pk=pipeline_id)


@router.post("/pipelines", response={201: PipelineOut, **PROBLEMS}, summary="Create a pipeline")
def pipelines_create(request: ApiRequest, payload: PipelineIn) -> Any:
    """Admins and management. Stages in order; at least one open, one won, one lost."""
    policy.require(request.auth, "sales.configure")
    pipeline = services.pipeline_create(
        actor=request.auth,
        name=payload.name,
        is_default=payload.is_default,
        stages=[services.StageSpec(s.name, s.probability, s.kind) for s in payload.stages],
    )
    return Status(201, pipeline)


@router.get("/lost-reasons", response={200: LostReasonPage, **PROBLEMS}, summary="Lost reasons")
def lost_reasons_list(request: ApiRequest, cursor: Cursor = None, limit: Limit = 50) -> Any:
    policy.require(request.auth, "sales.view")
    return paginate(LostReason.objects.all(), Keyset(("id",)), cursor=cursor, limit=limit)


@router.post(
    "/lost-reasons", response={201: LostReasonOut, **PROBLEMS}, summary="Add a lost reason"
)
def lost_reasons_create(request: ApiRequest, payload: LostReasonIn) -> Any:
    policy.require(request.auth, "sales.configure")
    return Status(201, services.lost_reason_create(actor=request.auth, name=payload.name))


# --- products ---------------------------------------------------------------------------


@router.get("/products", response={200: ProductPage, **PROBLEMS}, summary="List products")
def products_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Search = None,
    active: Annotated[bool | None, Query(description="Only active or inactive.")] = None,
) -> Any:
    """Products ordered by SKU."""
    policy.require(request.auth, "sales.view")
    qs = Product.objects.all()
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(sku__icontains=q)
    if active is not None:
        qs = qs.filter(active=active)
    return paginate(qs, Keyset(("sku", "id")), cursor=cursor, limit=limit)


@router.get("/products/{product_id}", response={200: ProductOut, **PROBLEMS}, summary="One product")
def products_get(request: ApiRequest, product_id: Id) -> Any:
    policy.require(request.auth, "sales.view")
    return get_object_or_404(Product, pk=product_id)


@router.post("/products", response={201: ProductOut, **PROBLEMS}, summary="Create a product")
def products_create(request: ApiRequest, payload: ProductIn) -> Any:
    """Admins and management. A free-goods rule needs both quantities."""
    policy.require(request.auth, "sales.configure")
    return Status(201, services.product_create(actor=request.auth, **payload.dict()))


@router.patch(
    "/products/{product_id}", response={200: ProductOut, **PROBLEMS}, summary="Change a product"
)
def products_update(request: ApiRequest, product_id: Id, payload: ProductPatch) -> Any:
    policy.require(request.auth, "sales.configure")
    product = get_object_or_404(Product, pk=product_id)
    return services.product_update(actor=request.auth, product=product, **payload.changes())


# --- price lists -------------------------------------------------------------------------


@router.get("/price-lists", response={200: PriceListPage, **PROBLEMS}, summary="List price lists")
def price_lists_list(request: ApiRequest, cursor: Cursor = None, limit: Limit = 50) -> Any:
    policy.require(request.auth, "sales.view")
    return paginate(PriceList.objects.all(), Keyset(("id",)), cursor=cursor, limit=limit)


@router.get(
    "/price-lists/{price_list_id}",
    response={200: PriceListDetailOut, **PROBLEMS},
    summary="One price list with its prices",
)
def price_lists_get(request: ApiRequest, price_list_id: Id) -> Any:
    policy.require(request.auth, "sales.view")
    return get_object_or_404(PriceList, pk=price_list_id)


@router.post(
    "/price-lists", response={201: PriceListOut, **PROBLEMS}, summary="Create a price list"
)
def price_lists_create(request: ApiRequest, payload: PriceListIn) -> Any:
    policy.require(request.auth, "sales.configure")
    return Status(201, services.price_list_create(actor=request.auth, **payload.dict()))


@router.put(
    "/price-lists/{price_list_id}/prices/{product_id}",
    response={200: PriceItemOut, **PROBLEMS},
    summary="Set a product's price",
)
def price_lists_set_price(
    request: ApiRequest, price_list_id: Id, product_id: Id, payload: PriceIn
) -> Any:
    """Admins and management; an optional free-goods rule overrides the product's."""
    policy.require(request.auth, "sales.configure")
    price_list = get_object_or_404(PriceList, pk=price_list_id)
    product = get_object_or_404(Product, pk=product_id)
    return services.price_set(
        actor=request.auth, price_list=price_list, product=product, **payload.dict()
    )


# --- deals ------------------------------------------------------------------------------------


def _deal(deal_id: int) -> Deal:
    return get_object_or_404(Deal, pk=deal_id)


def _deal_out(deal_id: int) -> dict[str, Any]:
    deal = get_object_or_404(selectors.deals_listing(), pk=deal_id)
    return deal_item(deal)


@router.get("/deals", response={200: DealPage, **PROBLEMS}, summary="List deals")
def deals_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Annotated[
        Text | None, Query(max_length=100, description="Part of title or account.")
    ] = None,
    pipeline: Annotated[DbId | None, Query()] = None,
    stage: Annotated[DbId | None, Query()] = None,
    owner: Annotated[DbId | None, Query()] = None,
    account: Annotated[DbId | None, Query()] = None,
    status: Annotated[StageKind | None, Query(description="open, won or lost")] = None,
) -> Any:
    """Deals (not in the trash), newest first."""
    policy.require(request.auth, "sales.view")
    qs = selectors.deals_listing(
        query=q or "",
        pipeline=pipeline,
        stage=stage,
        owner=owner,
        account=account,
        status=status or "",
    )
    return paginate(
        qs, Keyset(("id",), descending=True), cursor=cursor, limit=limit, item=deal_item
    )


@router.get("/deals/{deal_id}", response={200: DealItem, **PROBLEMS}, summary="One deal")
def deals_get(request: ApiRequest, deal_id: Id) -> Any:
    policy.require(request.auth, "sales.view")
    return _deal_out(deal_id)


@router.post("/deals", response={201: DealItem, **PROBLEMS}, summary="Create a deal")
def deals_create(request: ApiRequest, payload: DealIn) -> Any:
    """Starts in the first open stage of the pipeline (default pipeline if none given)."""
    policy.require(request.auth, "sales.write")
    deal = services.deal_create(
        actor=request.auth,
        title=payload.title,
        account=_get(Account, payload.account_id, "account_id"),
        contact=_get(Contact, payload.contact_id, "contact_id"),
        owner=_get(User, payload.owner_id, "owner_id"),
        pipeline=_get(Pipeline, payload.pipeline_id, "pipeline_id"),
        amount=payload.amount,
        currency=payload.currency,
        expected_close_date=payload.expected_close_date,
    )
    return Status(201, _deal_out(deal.pk))


@router.patch("/deals/{deal_id}", response={200: DealItem, **PROBLEMS}, summary="Change a deal")
def deals_update(request: ApiRequest, deal_id: Id, payload: DealPatch) -> Any:
    policy.require(request.auth, "sales.write")
    deal = _deal(deal_id)
    changes = payload.changes()
    if "contact_id" in changes:
        changes["contact"] = _get(Contact, changes.pop("contact_id"), "contact_id")
    if "owner_id" in changes:
        changes["owner"] = _get(User, changes.pop("owner_id"), "owner_id")
    services.deal_update(actor=request.auth, deal=deal, **changes)
    return _deal_out(deal_id)


@router.delete(
    "/deals/{deal_id}", response={204: None, **PROBLEMS}, summary="Move a deal to the trash"
)
def deals_delete(request: ApiRequest, deal_id: Id) -> Any:
    policy.require(request.auth, "sales.write")
    services.deal_delete(actor=request.auth, deal=_deal(deal_id))
    return Status(204, None)


@router.post("/deals/{deal_id}/move", response={200: DealItem, **PROBLEMS}, summary="Move a deal")
def deals_move(request: ApiRequest, deal_id: Id, payload: MoveIn) -> Any:
    """To another stage of its pipeline; to the won stage wins it. Lost needs /lose."""
    policy.require(request.auth, "sales.write")
    deal = _deal(deal_id)
    stage = _get(Stage, payload.stage_id, "stage_id")
    services.deal_move_stage(actor=request.auth, deal=deal, stage=stage)
    return _deal_out(deal_id)


@router.post("/deals/{deal_id}/win", response={200: DealItem, **PROBLEMS}, summary="Mark as won")
def deals_win(request: ApiRequest, deal_id: Id) -> Any:
    """The account becomes a customer."""
    policy.require(request.auth, "sales.write")
    services.deal_win(actor=request.auth, deal=_deal(deal_id))
    return _deal_out(deal_id)


@router.post("/deals/{deal_id}/lose", response={200: DealItem, **PROBLEMS}, summary="Mark as lost")
def deals_lose(request: ApiRequest, deal_id: Id, payload: LoseIn) -> Any:
    policy.require(request.auth, "sales.write")
    deal = _deal(deal_id)
    reason = _get(LostReason, payload.reason_id, "reason_id")
    services.deal_lose(actor=request.auth, deal=deal, reason=reason)
    return _deal_out(deal_id)


# --- quotes ---------------------------------------------------------------------------------


def quote_item(quote: Quote) -> dict[str, Any]:
    return {
        "id": quote.pk,
        "number": quote.number,
        "deal_id": quote.deal_id,
        "status": quote.status,
        "price_list_id": quote.price_list_id,
        "currency": quote.currency,
        "tax_rate": quote.tax_rate,
        "valid_until": quote.valid_until,
        "language": quote.language,
        "created_at": quote.created_at,
        "sent_at": quote.sent_at,
    }


def _quote(quote_id: int) -> Quote:
    return get_object_or_404(Quote.objects.filter(deal__deleted_at__isnull=True), pk=quote_id)


def _quote_out(quote_id: int) -> dict[str, Any]:
    quote = _quote(quote_id)
    lines = selectors.quote_lines(quote)
    totals = selectors.quote_totals(quote, lines)
    positions = {line.pk: line.position for line in lines}
    nets = iter(totals.lines)
    rows = []
    for line in lines:
        net = 0 if line.is_free_goods else next(nets).net
        rows.append(
            {
                "position": line.position,
                "product_id": line.product_id,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "list_price": line.list_price,
                "discount_percent": line.discount_percent,
                "discount_amount": line.discount_amount,
                "buy_quantity": line.buy_quantity,
                "free_quantity": line.free_quantity,
                "is_free_goods": line.is_free_goods,
                "parent_position": positions.get(line.parent_line_id)
                if line.parent_line_id
                else None,
                "net": net,
            }
        )
    return {
        **quote_item(quote),
        "lines": rows,
        "totals": {
            "subtotal": totals.subtotal,
            "percent_discount": totals.percent_discount,
            "amount_discount": totals.amount_discount,
            "free_goods_value": totals.free_goods_value,
            "discount": totals.discount,
            "tax": totals.tax,
            "total": totals.total,
        },
    }


@router.get("/quotes", response={200: QuotePage, **PROBLEMS}, summary="List quotes")
def quotes_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    deal: Annotated[DbId | None, Query(description="Only quotes of this deal.")] = None,
) -> Any:
    policy.require(request.auth, "sales.view")
    qs = Quote.objects.filter(deal__deleted_at__isnull=True)
    if deal:
        qs = qs.filter(deal_id=deal)
    return paginate(
        qs, Keyset(("id",), descending=True), cursor=cursor, limit=limit, item=quote_item
    )


@router.get("/quotes/{quote_id}", response={200: QuoteOut, **PROBLEMS}, summary="One quote")
def quotes_get(request: ApiRequest, quote_id: Id) -> Any:
    """With its lines (free-goods lines included, at price 0) and totals."""
    policy.require(request.auth, "sales.view")
    return _quote_out(quote_id)


@router.post("/quotes", response={201: QuoteOut, **PROBLEMS}, summary="Create a quote")
def quotes_create(request: ApiRequest, payload: QuoteIn) -> Any:
    """A draft with a new number (Q-<year>-<n>); default price list if none given."""
    policy.require(request.auth, "sales.write")
    deal = _get(Deal, payload.deal_id, "deal_id")
    quote = services.quote_create(
        actor=request.auth,
        deal=deal,
        price_list=_get(PriceList, payload.price_list_id, "price_list_id"),
        tax_rate=payload.tax_rate,
        valid_until=payload.valid_until,
        language=payload.language,
    )
    return Status(201, _quote_out(quote.pk))


@router.put(
    "/quotes/{quote_id}/lines", response={200: QuoteOut, **PROBLEMS}, summary="Replace lines"
)
def quotes_set_lines(request: ApiRequest, quote_id: Id, payload: QuoteLinesIn) -> Any:
    """Drafts only. Free-goods lines are generated from the rules; do not send them."""
    policy.require(request.auth, "sales.write")
    quote = _quote(quote_id)
    products = Product.objects.in_bulk([ln.product_id for ln in payload.lines if ln.product_id])
    specs = []
    for number, line in enumerate(payload.lines, start=1):
        product = products.get(line.product_id) if line.product_id else None
        if line.product_id and product is None:
            raise ValidationError(
                {
                    "lines": _("Line %(n)d: no such product %(id)s.")
                    % {"n": number, "id": line.product_id}
                }
            )
        specs.append(
            services.LineSpec(
                quantity=line.quantity,
                product=product,
                description=line.description,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                discount_amount=line.discount_amount,
                buy_quantity=line.buy_quantity,
                free_quantity=line.free_quantity,
            )
        )
    services.quote_set_lines(actor=request.auth, quote=quote, lines=specs)
    return _quote_out(quote_id)


@router.post(
    "/quotes/{quote_id}/send", response={200: QuoteOut, **PROBLEMS}, summary="Mark as sent"
)
def quotes_send(request: ApiRequest, quote_id: Id) -> Any:
    policy.require(request.auth, "sales.write")
    services.quote_send(actor=request.auth, quote=_quote(quote_id))
    return _quote_out(quote_id)


@router.post(
    "/quotes/{quote_id}/accept", response={200: QuoteOut, **PROBLEMS}, summary="Mark as accepted"
)
def quotes_accept(request: ApiRequest, quote_id: Id) -> Any:
    policy.require(request.auth, "sales.write")
    services.quote_accept(actor=request.auth, quote=_quote(quote_id))
    return _quote_out(quote_id)


@router.post(
    "/quotes/{quote_id}/reject", response={200: QuoteOut, **PROBLEMS}, summary="Mark as rejected"
)
def quotes_reject(request: ApiRequest, quote_id: Id) -> Any:
    policy.require(request.auth, "sales.write")
    services.quote_reject(actor=request.auth, quote=_quote(quote_id))
    return _quote_out(quote_id)


# --- handover of a won deal to customer success ---------------------------------------

from datetime import datetime as _datetime  # noqa: E402

from ninja import Schema as _Schema  # noqa: E402

from interlock.sales import services_handover  # noqa: E402
from interlock.sales.models_handover import DealHandover  # noqa: E402


class HandoverIn(_Schema):
    team_id: DbId | None = None
    goals: Text = ""
    stakeholders: Text = ""
    commitments: Text = ""
    risks: Text = ""
    next_steps: Text = ""


class HandoverOut(_Schema):
    deal_id: int
    team_id: int | None
    goals: str
    stakeholders: str
    commitments: str
    risks: str
    next_steps: str
    missing: list[str]
    completed_at: _datetime | None
    completed_by_id: int | None


def _handover_out(handover: DealHandover | None, deal: Deal) -> dict[str, Any]:
    h = handover or DealHandover(deal=deal)
    return {
        "deal_id": deal.pk,
        "team_id": h.team_id,
        "goals": h.goals,
        "stakeholders": h.stakeholders,
        "commitments": h.commitments,
        "risks": h.risks,
        "next_steps": h.next_steps,
        "missing": h.missing(),
        "completed_at": h.completed_at,
        "completed_by_id": h.completed_by_id,
    }


@router.get(
    "/deals/{deal_id}/handover",
    response={200: HandoverOut, **PROBLEMS},
    summary="The handover form of a deal (empty when nobody started it)",
)
def deals_handover_get(request: ApiRequest, deal_id: Id) -> Any:
    policy.require(request.auth, "sales.view")
    deal = _deal(deal_id)
    return _handover_out(services_handover.handover_of(deal), deal)


@router.put(
    "/deals/{deal_id}/handover",
    response={200: HandoverOut, **PROBLEMS},
    summary="Save the handover form as a draft (fields may be empty)",
)
def deals_handover_put(request: ApiRequest, deal_id: Id, payload: HandoverIn) -> Any:
    from interlock.org.models import Team

    policy.require(request.auth, "sales.write")
    deal = _deal(deal_id)
    team = None
    if payload.team_id is not None:
        team = Team.objects.filter(pk=payload.team_id).first()
        if team is None:
            raise ValidationError({"team_id": _("There is no team with this id.")})
    handover = services_handover.handover_save(
        actor=request.auth,
        deal=deal,
        team=team,
        **payload.dict(exclude={"team_id"}),
    )
    return _handover_out(handover, deal)


@router.post(
    "/deals/{deal_id}/handover/complete",
    response={200: HandoverOut, **PROBLEMS},
    summary="Complete the handover of a won deal (every field filled; once)",
)
def deals_handover_complete(request: ApiRequest, deal_id: Id) -> Any:
    policy.require(request.auth, "sales.write")
    deal = _deal(deal_id)
    handover = services_handover.handover_complete(actor=request.auth, deal=deal)
    return _handover_out(handover, deal)

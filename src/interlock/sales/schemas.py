"""API schemas of sales: pipelines, products, price lists, deals, quotes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from interlock.core.schemas import DbId, PatchSchema, Text

Name = Annotated[Text, Field(min_length=1, max_length=200)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. EUR.")]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Price = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
# Sign is checked by the service so the error can name the line.
Quantity = Annotated[Decimal, Field(max_digits=12, decimal_places=3)]
Percent = Annotated[Decimal, Field(max_digits=5, decimal_places=2)]
RuleQty = Annotated[int, Field(ge=1, le=1_000_000)]
StageKind = Literal["open", "won", "lost"]
QuoteStatus = Literal["draft", "sent", "accepted", "rejected"]


class Ref(BaseModel):
    id: int
    name: str


# --- pipelines ------------------------------------------------------------------------


class StageOut(Schema):
    id: int
    name: str
    order: int
    probability: int
    kind: StageKind


class PipelineOut(Schema):
    id: int
    name: str
    is_default: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class StageIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    probability: int = Field(0, ge=0, le=100)
    kind: StageKind = "open"


class PipelineIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    is_default: bool = False
    stages: list[StageIn] = Field(min_length=3, max_length=30)


class LostReasonOut(Schema):
    id: int
    name: str
    active: bool


class LostReasonIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]


# --- products and price lists -------------------------------------------------------------


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    unit: str
    description: str
    active: bool
    buy_quantity: int | None
    free_quantity: int | None


class ProductIn(Schema):
    sku: Annotated[Text, Field(min_length=1, max_length=64)]
    name: Name
    unit: Annotated[Text, Field(max_length=20)] = "pc"
    description: Annotated[Text, Field(max_length=5000)] = ""
    active: bool = True
    buy_quantity: RuleQty | None = None
    free_quantity: RuleQty | None = None


class ProductPatch(PatchSchema):
    nullable: ClassVar[tuple[str, ...]] = ("buy_quantity", "free_quantity")
    name: Name | None = None
    unit: Annotated[Text, Field(min_length=1, max_length=20)] | None = None
    description: Annotated[Text, Field(max_length=5000)] | None = None
    active: bool | None = None
    buy_quantity: RuleQty | None = None
    free_quantity: RuleQty | None = None


class PriceItemOut(Schema):
    product_id: int
    sku: str
    unit_price: Decimal
    buy_quantity: int | None
    free_quantity: int | None

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.product.sku)


class PriceListOut(Schema):
    id: int
    name: str
    currency: str
    valid_from: date | None
    valid_until: date | None
    is_default: bool


class PriceListDetailOut(PriceListOut):
    items: list[PriceItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.select_related("product").order_by("product__sku"))


class PriceListIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    currency: Currency = "EUR"
    valid_from: date | None = None
    valid_until: date | None = None
    is_default: bool = False


class PriceIn(Schema):
    unit_price: Price
    buy_quantity: RuleQty | None = None
    free_quantity: RuleQty | None = None


# --- deals ---------------------------------------------------------------------------------


class DealItem(BaseModel):
    """A deal in a list, built from a plain row (fast for long lists)."""

    id: int
    title: str
    account: Ref
    contact_id: int | None
    owner_id: int | None
    pipeline_id: int
    stage: Ref
    status: StageKind
    amount: Decimal
    currency: str
    expected_close_date: date | None
    won_at: datetime | None
    lost_at: datetime | None
    lost_reason_id: int | None
    created_at: datetime


def deal_item(deal: Any) -> dict[str, Any]:
    return {
        "id": deal.pk,
        "title": deal.title,
        "account": {"id": deal.account_id, "name": deal.account.name},
        "contact_id": deal.contact_id,
        "owner_id": deal.owner_id,
        "pipeline_id": deal.pipeline_id,
        "stage": {"id": deal.stage_id, "name": deal.stage.name},
        "status": deal.stage.kind,
        "amount": deal.amount,
        "currency": deal.currency,
        "expected_close_date": deal.expected_close_date,
        "won_at": deal.won_at,
        "lost_at": deal.lost_at,
        "lost_reason_id": deal.lost_reason_id,
        "created_at": deal.created_at,
    }


class DealIn(Schema):
    title: Name
    account_id: DbId
    contact_id: DbId | None = None
    owner_id: DbId | None = None
    pipeline_id: DbId | None = None
    amount: Money = Decimal(0)
    currency: Currency = "EUR"
    expected_close_date: date | None = None


class DealPatch(PatchSchema):
    nullable: ClassVar[tuple[str, ...]] = ("contact_id", "owner_id", "expected_close_date")
    title: Name | None = None
    contact_id: DbId | None = None
    owner_id: DbId | None = None
    amount: Money | None = None
    currency: Currency | None = None
    expected_close_date: date | None = None


class MoveIn(Schema):
    stage_id: DbId


class LoseIn(Schema):
    reason_id: DbId


# --- quotes ----------------------------------------------------------------------------------


class QuoteLineOut(BaseModel):
    position: int
    product_id: int | None
    description: str
    quantity: Decimal
    unit_price: Decimal
    list_price: Decimal | None
    discount_percent: Decimal
    discount_amount: Decimal
    buy_quantity: int | None
    free_quantity: int | None
    is_free_goods: bool
    parent_position: int | None
    net: Decimal


class TotalsOut(BaseModel):
    subtotal: Decimal
    percent_discount: Decimal
    amount_discount: Decimal
    free_goods_value: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


class QuoteItem(BaseModel):
    id: int
    number: str
    deal_id: int
    status: QuoteStatus
    price_list_id: int | None
    currency: str
    tax_rate: Decimal
    valid_until: date | None
    language: str
    created_at: datetime
    sent_at: datetime | None


class QuoteOut(QuoteItem):
    lines: list[QuoteLineOut]
    totals: TotalsOut


class QuoteIn(Schema):
    deal_id: DbId
    price_list_id: DbId | None = None
    tax_rate: Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] = Decimal(19)
    valid_until: date | None = None
    language: Literal["de", "en"] = "de"


class QuoteLineIn(Schema):
    product_id: DbId | None = None
    description: Annotated[Text, Field(max_length=300)] = ""
    quantity: Quantity
    unit_price: Price | None = Field(None, description="Default: the price list's price.")
    discount_percent: Percent = Decimal(0)
    discount_amount: Price = Decimal(0)
    buy_quantity: RuleQty | None = None
    free_quantity: RuleQty | None = None


class QuoteLinesIn(Schema):
    lines: list[QuoteLineIn] = Field(max_length=500)

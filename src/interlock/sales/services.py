"""Writes for sales: pipeline upkeep, products and prices, deals, quotes.

Each function is one transaction, asks the policy first, validates
(database constraints, then ``full_clean()``, then its own rules) and
records a domain event whose payload carries ``account_id``/``contact_id``
so the timeline can place it without a query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy, trash
from interlock.customers.models import Account, Contact
from interlock.sales import pricing
from interlock.sales.models import (
    Deal,
    DealStageChange,
    LostReason,
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    Quote,
    QuoteCounter,
    QuoteLine,
    Stage,
)


def _set(obj: Any, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _deal_payload(deal: Deal, **extra: Any) -> dict[str, Any]:
    return {
        "deal_id": deal.pk,
        "title": deal.title,
        "account_id": deal.account_id,
        "contact_id": deal.contact_id,
        "owner_id": deal.owner_id,
        "amount": str(deal.amount),
        "currency": deal.currency,
        **extra,
    }


# --- pipelines, stages, lost reasons ----------------------------------------------


@dataclass(frozen=True)
class StageSpec:
    name: str
    probability: int = 0
    kind: str = Stage.Kind.OPEN


def pipeline_create(
    *, actor: Any, name: str, stages: Sequence[StageSpec], is_default: bool = False
) -> Pipeline:
    """A pipeline with its stages in the given order; needs one open, won and lost stage."""
    policy.require(actor, "sales.configure")
    kinds = [s.kind for s in stages]
    if Stage.Kind.OPEN not in kinds or Stage.Kind.WON not in kinds or Stage.Kind.LOST not in kinds:
        raise ValidationError(
            {"stages": _("A pipeline needs at least one open stage, one won and one lost stage.")}
        )
    names = [s.name.strip() for s in stages]
    if len(set(names)) != len(names):
        raise ValidationError({"stages": _("Each stage name may appear once.")})
    with transaction.atomic():
        if is_default:
            Pipeline.objects.filter(is_default=True).update(is_default=False)
        pipeline = Pipeline(name=name.strip(), is_default=is_default)
        pipeline.full_clean()
        pipeline.save()
        for order, spec in enumerate(stages):
            stage = Stage(
                pipeline=pipeline,
                name=spec.name.strip(),
                order=order,
                probability=spec.probability,
                kind=spec.kind,
            )
            stage.full_clean()
            stage.save()
        events.record("pipeline.created", subject=pipeline, actor=actor, payload={"name": name})
    return pipeline


def stage_update(
    *,
    actor: Any,
    stage: Stage,
    name: str | None = None,
    probability: int | None = None,
    order: int | None = None,
) -> Stage:
    policy.require(actor, "sales.configure")
    fields = {"name": name, "probability": probability, "order": order}
    with transaction.atomic():
        changed = _set(stage, {k: v for k, v in fields.items() if v is not None})
        stage.full_clean()
        stage.save()
        if changed:
            events.record("stage.updated", subject=stage, actor=actor, payload={"fields": changed})
    return stage


def lost_reason_create(*, actor: Any, name: str) -> LostReason:
    policy.require(actor, "sales.configure")
    reason = LostReason(name=name.strip())
    reason.full_clean()
    with transaction.atomic():
        reason.save()
        events.record("lost_reason.created", subject=reason, actor=actor, payload={"name": name})
    return reason


def lost_reason_set_active(*, actor: Any, reason: LostReason, active: bool) -> LostReason:
    policy.require(actor, "sales.configure")
    with transaction.atomic():
        reason.active = active
        reason.save(update_fields=["active"])
        events.record(
            "lost_reason.updated", subject=reason, actor=actor, payload={"active": active}
        )
    return reason


# --- products and price lists --------------------------------------------------------


PRODUCT_FIELDS = {"name", "unit", "description", "active", "buy_quantity", "free_quantity"}


def product_create(
    *,
    actor: Any,
    sku: str,
    name: str,
    unit: str = "pc",
    description: str = "",
    active: bool = True,
    buy_quantity: int | None = None,
    free_quantity: int | None = None,
) -> Product:
    policy.require(actor, "sales.configure")
    product = Product(
        sku=sku.strip(),
        name=name.strip(),
        unit=unit.strip() or "pc",
        description=description,
        active=active,
        buy_quantity=buy_quantity,
        free_quantity=free_quantity,
    )
    product.full_clean()
    with transaction.atomic():
        product.save()
        events.record("product.created", subject=product, actor=actor, payload={"sku": sku})
    return product


def product_update(*, actor: Any, product: Product, **fields: Any) -> Product:
    policy.require(actor, "sales.configure")
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic():
        changed = _set(product, fields)
        product.full_clean()
        product.save()
        if changed:
            events.record(
                "product.updated", subject=product, actor=actor, payload={"fields": changed}
            )
    return product


def price_list_create(
    *,
    actor: Any,
    name: str,
    currency: str = "EUR",
    valid_from: date | None = None,
    valid_until: date | None = None,
    is_default: bool = False,
) -> PriceList:
    policy.require(actor, "sales.configure")
    price_list = PriceList(
        name=name.strip(),
        currency=currency.strip().upper(),
        valid_from=valid_from,
        valid_until=valid_until,
        is_default=is_default,
    )
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end must not lie before the start.")})
    price_list.full_clean()
    with transaction.atomic():
        if is_default:
            PriceList.objects.filter(is_default=True).update(is_default=False)
        price_list.save()
        events.record("price_list.created", subject=price_list, actor=actor, payload={"name": name})
    return price_list


def price_set(
    *,
    actor: Any,
    price_list: PriceList,
    product: Product,
    unit_price: Decimal,
    buy_quantity: int | None = None,
    free_quantity: int | None = None,
) -> PriceListItem:
    """Set (or change) a product's price on a price list."""
    policy.require(actor, "sales.configure")
    with transaction.atomic():
        item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
        item = item or PriceListItem(price_list=price_list, product=product)
        item.unit_price = unit_price
        item.buy_quantity = buy_quantity
        item.free_quantity = free_quantity
        item.full_clean()
        item.save()
        events.record(
            "price.set",
            subject=item,
            actor=actor,
            payload={
                "price_list_id": price_list.pk,
                "product_id": product.pk,
                "unit_price": str(unit_price),
            },
        )
    return item


# --- deals -----------------------------------------------------------------------------


def _default_pipeline() -> Pipeline:
    pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.first()
    if pipeline is None:
        raise ValidationError(
            {"pipeline": _("There is no pipeline yet; an admin must set one up.")}
        )
    return pipeline


def deal_create(
    *,
    actor: Any,
    title: str,
    account: Account,
    contact: Contact | None = None,
    owner: Any | None = None,
    pipeline: Pipeline | None = None,
    amount: Decimal = Decimal(0),
    currency: str = "EUR",
    expected_close_date: date | None = None,
    at: datetime | None = None,
) -> Deal:
    """A deal in the first open stage of its pipeline (the default pipeline if none given).

    ``at`` (when it was created; default now) only for imports and demo history.
    """
    policy.require(actor, "sales.write")
    pipeline = pipeline or _default_pipeline()
    stage = pipeline.stages.filter(kind=Stage.Kind.OPEN).order_by("order", "id").first()
    if stage is None:
        raise ValidationError({"pipeline": _("This pipeline has no open stage.")})
    if contact is not None and contact.account_id not in (None, account.pk):
        raise ValidationError({"contact": _("This contact belongs to another account.")})
    deal = Deal(
        title=title.strip(),
        account=account,
        contact=contact,
        owner=owner if owner is not None else (actor if getattr(actor, "pk", None) else None),
        pipeline=pipeline,
        stage=stage,
        amount=amount,
        currency=currency.strip().upper(),
        expected_close_date=expected_close_date,
    )
    deal.full_clean()
    moment = at or timezone.now()
    with transaction.atomic():
        deal.save()
        if at is not None:  # created_at is auto_now_add: backdate it explicitly
            Deal.all_objects.filter(pk=deal.pk).update(created_at=at, updated_at=at)
            deal.created_at = deal.updated_at = at
        DealStageChange(
            deal=deal, from_stage=None, to_stage=stage, actor=_user(actor), at=moment
        ).save()
        events.record(
            "deal.created",
            subject=deal,
            actor=actor,
            occurred_at=moment,
            payload=_deal_payload(
                deal,
                stage=stage.name,
                stage_id=stage.pk,
                # An opportunity at an existing customer is an upsell signal
                # (agreements measure how fast sales takes it up).
                existing_customer=deal.account.lifecycle == Account.Lifecycle.CUSTOMER,
            ),
        )
    return deal


DEAL_FIELDS = {"title", "contact", "owner", "amount", "currency", "expected_close_date"}


def deal_update(*, actor: Any, deal: Deal, **fields: Any) -> Deal:
    policy.require(actor, "sales.write")
    unknown = set(fields) - DEAL_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "currency" in fields:
        fields["currency"] = str(fields["currency"]).strip().upper()
    if "title" in fields:
        fields["title"] = str(fields["title"]).strip()
    contact = fields.get("contact")
    if contact is not None and contact.account_id not in (None, deal.account_id):
        raise ValidationError({"contact": _("This contact belongs to another account.")})
    with transaction.atomic():
        changed = _set(deal, fields)
        deal.full_clean()
        deal.save()
        if changed:
            events.record(
                "deal.updated",
                subject=deal,
                actor=actor,
                payload=_deal_payload(deal, fields=changed),
            )
    return deal


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _lock(deal: Deal) -> Deal:
    # Two people dragging the same card at once: lock the row so the second
    # move starts from the first one's result and the history stays a chain.
    return Deal.objects.select_for_update().select_related("stage").get(pk=deal.pk)


def _move(
    deal: Deal,
    stage: Stage,
    actor: Any,
    *,
    lost_reason: LostReason | None = None,
    at: datetime | None = None,
) -> tuple[Deal, Stage]:
    if stage.pipeline_id != deal.pipeline_id:
        raise ValidationError({"stage": _("This stage belongs to another pipeline.")})
    locked = _lock(deal)
    previous = locked.stage
    now = at or timezone.now()
    locked.stage = stage
    locked.won_at = now if stage.kind == Stage.Kind.WON else None
    locked.lost_at = now if stage.kind == Stage.Kind.LOST else None
    locked.lost_reason = lost_reason if stage.kind == Stage.Kind.LOST else None
    locked.save(update_fields=["stage", "won_at", "lost_at", "lost_reason", "updated_at"])
    if at is not None:  # updated_at is auto_now: backdate it explicitly
        Deal.all_objects.filter(pk=locked.pk).update(updated_at=at)
    if previous.pk != stage.pk:
        DealStageChange(
            deal=locked, from_stage=previous, to_stage=stage, actor=_user(actor), at=now
        ).save()
        events.record(
            "deal.stage_changed",
            subject=locked,
            actor=actor,
            occurred_at=now,
            payload=_deal_payload(
                locked,
                from_stage=previous.name,
                from_stage_id=previous.pk,
                to_stage=stage.name,
                to_stage_id=stage.pk,
            ),
        )
    deal.refresh_from_db()
    return locked, previous


def deal_move_stage(*, actor: Any, deal: Deal, stage: Stage, at: datetime | None = None) -> Deal:
    """Move to an open stage; won and lost go through deal_win / deal_lose.

    ``at`` (when it moved; default now) only for imports and demo history.
    """
    policy.require(actor, "sales.write")
    if stage.kind == Stage.Kind.WON:
        return deal_win(actor=actor, deal=deal, stage=stage, at=at)
    if stage.kind == Stage.Kind.LOST:
        raise ValidationError(
            {"stage": _("A deal is lost with a reason: use “Mark as lost” and pick one.")}
        )
    with transaction.atomic():
        _move(deal, stage, actor, at=at)
    return deal


def deal_win(
    *, actor: Any, deal: Deal, stage: Stage | None = None, at: datetime | None = None
) -> Deal:
    """Won: the won stage, won_at, and the account becomes a customer.

    ``at`` (when it was won; default now) only for imports and demo history.
    """
    policy.require(actor, "sales.write")
    stage = stage or deal.pipeline.stages.filter(kind=Stage.Kind.WON).order_by("order").first()
    if stage is None or stage.kind != Stage.Kind.WON:
        raise ValidationError({"stage": _("This pipeline has no won stage.")})
    with transaction.atomic():
        locked, previous = _move(deal, stage, actor, at=at)
        if previous.kind == Stage.Kind.WON:
            return deal
        events.record(
            "deal.won",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=_deal_payload(locked),
        )
        account = Account.objects.select_for_update().get(pk=locked.account_id)
        if account.lifecycle != Account.Lifecycle.CUSTOMER:
            old = account.lifecycle
            account.lifecycle = Account.Lifecycle.CUSTOMER
            account.save(update_fields=["lifecycle", "updated_at"])
            events.record(
                "account.became_customer",
                subject=account,
                actor=actor,
                occurred_at=at,
                payload={
                    "account_id": account.pk,
                    "deal_id": locked.pk,
                    "from": old,
                    "contact_id": locked.contact_id,
                },
            )
    return deal


def deal_lose(
    *, actor: Any, deal: Deal, reason: LostReason | None, at: datetime | None = None
) -> Deal:
    """Lost, with an active reason; ``at`` (default now) only for imports and demo history."""
    policy.require(actor, "sales.write")
    if reason is None or not reason.active:
        raise ValidationError({"reason": _("Pick an active reason why the deal was lost.")})
    stage = deal.pipeline.stages.filter(kind=Stage.Kind.LOST).order_by("order").first()
    if stage is None:
        raise ValidationError({"stage": _("This pipeline has no lost stage.")})
    with transaction.atomic():
        locked, _previous = _move(deal, stage, actor, lost_reason=reason, at=at)
        events.record(
            "deal.lost",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=_deal_payload(locked, reason=reason.name, reason_id=reason.pk),
        )
    return deal


def deal_delete(*, actor: Any, deal: Deal) -> Deal:
    policy.require(actor, "sales.write")
    return trash.trash_move(obj=deal, actor=actor)


# --- quotes ------------------------------------------------------------------------------


def _next_number(year: int) -> str:
    # Two quotes created at the same moment must not get the same number:
    # lock the year's counter row; the second creator waits and reads the
    # first one's increment. get_or_create may race on the very first quote
    # of a year; the primary key makes the loser retry inside the savepoint.
    try:
        with transaction.atomic():
            QuoteCounter.objects.get_or_create(year=year)
    except IntegrityError:
        pass
    counter = QuoteCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"Q-{year}-{counter.last:05d}"


def quote_create(
    *,
    actor: Any,
    deal: Deal,
    price_list: PriceList | None = None,
    tax_rate: Decimal = Decimal(19),
    valid_until: date | None = None,
    language: str = "de",
    at: datetime | None = None,
) -> Quote:
    """A draft quote; ``at`` (when it was written; default now) only for imports and demo."""
    policy.require(actor, "sales.write")
    price_list = price_list or PriceList.objects.filter(is_default=True).first()
    if language not in ("de", "en"):
        raise ValidationError({"language": _("The quote language is German or English.")})
    with transaction.atomic():
        quote = Quote(
            deal=deal,
            number=_next_number(timezone.localdate(at).year),
            price_list=price_list,
            currency=price_list.currency if price_list else deal.currency,
            tax_rate=tax_rate,
            valid_until=valid_until,
            language=language,
        )
        quote.full_clean()
        quote.save()
        if at is not None:  # created_at is auto_now_add: backdate it explicitly
            Quote.objects.filter(pk=quote.pk).update(created_at=at)
            quote.created_at = at
        events.record(
            "quote.created",
            subject=quote,
            actor=actor,
            occurred_at=at,
            payload=_quote_payload(quote),
        )
    return quote


def _quote_payload(quote: Quote, **extra: Any) -> dict[str, Any]:
    deal = quote.deal
    return {
        "quote_id": quote.pk,
        "number": quote.number,
        "deal_id": deal.pk,
        "deal": deal.title,
        "account_id": deal.account_id,
        "contact_id": deal.contact_id,
        **extra,
    }


@dataclass(frozen=True)
class LineSpec:
    """One line the user enters; free-goods lines are generated, never entered."""

    quantity: Decimal
    product: Product | None = None
    description: str = ""
    unit_price: Decimal | None = None  # default: the price list's price
    discount_percent: Decimal = Decimal(0)
    discount_amount: Decimal = Decimal(0)
    buy_quantity: int | None = None
    free_quantity: int | None = None


def _rule(buy: int | None, free: int | None) -> tuple[int, int] | None:
    return (buy, free) if buy and free else None


def quote_set_lines(
    *, actor: Any, quote: Quote, lines: Sequence[LineSpec], at: datetime | None = None
) -> Quote:
    """Replace a draft quote's lines and regenerate its free-goods lines."""
    policy.require(actor, "sales.write")
    if quote.status != Quote.Status.DRAFT:
        raise ValidationError(_("Only a draft quote can be changed."))
    prices = {}
    if quote.price_list_id:
        prices = {
            i.product_id: i
            for i in PriceListItem.objects.filter(
                price_list_id=quote.price_list_id,
                product_id__in=[s.product.pk for s in lines if s.product],
            )
        }
    rows: list[tuple[QuoteLine, pricing.LineOut, tuple[int, int] | None]] = []
    for number, spec in enumerate(lines, start=1):
        if (spec.buy_quantity is None) != (spec.free_quantity is None):
            raise ValidationError(
                {
                    "lines": _("Line %(n)d: give both “buy” and “free” quantities, or neither.")
                    % {"n": number}
                }
            )
        item = prices.get(spec.product.pk) if spec.product else None
        list_price = item.unit_price if item else None
        unit_price = spec.unit_price if spec.unit_price is not None else list_price
        if unit_price is None:
            raise ValidationError(
                {
                    "lines": _(
                        "Line %(n)d: give a unit price (the product is not on the price list)."
                    )
                    % {"n": number}
                }
            )
        if spec.product is None and not spec.description.strip():
            raise ValidationError(
                {"lines": _("Line %(n)d: choose a product or write a description.") % {"n": number}}
            )
        rule = pricing.pick_rule(
            _rule(spec.buy_quantity, spec.free_quantity),
            item.free_goods if item else None,
            spec.product.free_goods if spec.product else None,
        )
        try:
            out = pricing.price_line(
                pricing.LineIn(
                    quantity=spec.quantity,
                    unit_price=unit_price,
                    list_price=list_price if list_price is not None else unit_price,
                    discount_percent=spec.discount_percent,
                    discount_amount=spec.discount_amount,
                    rule=rule,
                ),
                number=number,
            )
        except pricing.PricingError as exc:
            raise ValidationError(
                {"lines": _("Line %(n)d: %(problem)s") % {"n": number, "problem": _problem(exc)}}
            ) from None
        line = QuoteLine(
            quote=quote,
            position=0,
            product=spec.product,
            description=spec.description.strip() or (spec.product.name if spec.product else ""),
            quantity=spec.quantity,
            unit_price=unit_price,
            list_price=list_price if list_price is not None else unit_price,
            discount_percent=spec.discount_percent,
            discount_amount=spec.discount_amount,
            buy_quantity=spec.buy_quantity,
            free_quantity=spec.free_quantity,
        )
        rows.append((line, out, rule))
    with transaction.atomic():
        # Lock the quote so two editors do not interleave delete and insert.
        Quote.objects.select_for_update().get(pk=quote.pk)
        quote.lines.all().delete()
        position = 0
        for line, out, rule in rows:
            position += 1
            line.position = position
            line.full_clean(exclude=["quote"])
            line.save()
            if out.free_units > 0 and rule is not None:
                position += 1
                free = QuoteLine(
                    quote=quote,
                    position=position,
                    product=line.product,
                    description=_("%(what)s — free goods (buy %(n)d get %(m)d)")
                    % {"what": line.description, "n": rule[0], "m": rule[1]},
                    quantity=out.free_units,
                    unit_price=Decimal(0),
                    list_price=line.list_price,
                    is_free_goods=True,
                    parent_line=line,
                )
                free.save()
        events.record(
            "quote.lines_set",
            subject=quote,
            actor=actor,
            occurred_at=at,  # when the lines were written; default now (demo history only)
            payload=_quote_payload(quote, lines=len(rows)),
        )
    return quote


def _problem(exc: pricing.PricingError) -> str:
    return {
        "quantity": _("the quantity must not be negative."),
        "unit_price": _("the unit price must not be negative."),
        "discount_percent": _("the discount must lie between 0 and 100 %."),
        "discount_amount": _("the discount amount must not be negative."),
        "buy_quantity": _("a free-goods rule needs N ≥ 1 and M ≥ 1."),
    }.get(exc.field or "", str(exc))


TRANSITIONS: dict[str, dict[str, str]] = {
    # target status: {allowed from: event type}
    Quote.Status.SENT: {Quote.Status.DRAFT: "quote.sent"},
    Quote.Status.ACCEPTED: {Quote.Status.SENT: "quote.accepted"},
    Quote.Status.REJECTED: {Quote.Status.SENT: "quote.rejected"},
}


def _transition(actor: Any, quote: Quote, target: str, at: datetime | None = None) -> Quote:
    policy.require(actor, "sales.write")
    with transaction.atomic():
        # Accept and reject at the same moment: the lock makes one of them lose.
        locked = Quote.objects.select_for_update().get(pk=quote.pk)
        allowed = TRANSITIONS[target]
        if locked.status not in allowed:
            raise ValidationError(
                {
                    "status": _("A %(status)s quote cannot be marked %(target)s.")
                    % {"status": locked.get_status_display(), "target": Quote.Status(target).label}
                }
            )
        if target == Quote.Status.SENT and not locked.lines.exists():
            raise ValidationError({"status": _("A quote without lines cannot be sent.")})
        event_type = allowed[locked.status]
        locked.status = target
        fields = ["status"]
        if target == Quote.Status.SENT:
            locked.sent_at = at or timezone.now()
            fields.append("sent_at")
        locked.save(update_fields=fields)
        events.record(
            event_type,
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=_quote_payload(locked),
        )
    quote.refresh_from_db()
    return quote


# ``at`` (when it happened; default now) only for imports and demo history.


def quote_send(*, actor: Any, quote: Quote, at: datetime | None = None) -> Quote:
    return _transition(actor, quote, Quote.Status.SENT, at)


def quote_accept(*, actor: Any, quote: Quote, at: datetime | None = None) -> Quote:
    return _transition(actor, quote, Quote.Status.ACCEPTED, at)


def quote_reject(*, actor: Any, quote: Quote, at: datetime | None = None) -> Quote:
    return _transition(actor, quote, Quote.Status.REJECTED, at)

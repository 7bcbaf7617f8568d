"""Demo sales data for Kessler Maschinenbau: pipeline, products, EUR prices, deals, quotes.

Written through :mod:`interlock.sales.services` as the demo admin, with two
years of history: every deal is created, moved through the stages, quoted
(spare parts with "buy 10 get 1 free" rules give free lines), sent, and won
or lost at its own moment — the services' ``at`` parameter dates the deal's
``created_at``, its stage history, ``won_at`` / ``lost_at``, the quote's
``created_at`` / ``sent_at`` and every event, so timelines and reports show
the real dates. Old deals are closed, recent ones still open. Deterministic
for a given seed; about 260 deals at full size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from interlock.core.context import Source, acting
from interlock.core.demo import DemoContext
from interlock.sales import services
from interlock.sales.models import LostReason, Pipeline, PriceList, Product, Stage

DEALS = 260  # at full size, over two years
HISTORY_DAYS = 730
# days from the first contact to the decision, by kind of deal
CYCLE_DAYS = {"machine": (60, 210), "parts": (5, 40), "service": (14, 75)}

STAGES = [
    services.StageSpec("Qualifizierung", 10),
    services.StageSpec("Bedarfsanalyse", 25),
    services.StageSpec("Angebot", 50),
    services.StageSpec("Verhandlung", 75),
    services.StageSpec("Gewonnen", 100, Stage.Kind.WON),
    services.StageSpec("Verloren", 0, Stage.Kind.LOST),
]
LOST_REASONS = [
    "Preis zu hoch",
    "Lieferzeit zu lang",
    "Wettbewerber gewählt",
    "Projekt verschoben",
    "Kein Budget",
]
# sku, name, unit, list price, free-goods rule
PRODUCTS: list[tuple[str, str, str, str, tuple[int, int] | None]] = [
    ("M-CNC-500", "CNC-Bearbeitungszentrum BZ 500", "pc", "248000.00", None),
    ("M-CNC-800", "CNC-Bearbeitungszentrum BZ 800", "pc", "386000.00", None),
    ("M-PRS-120", "Hydraulische Presse HP 120", "pc", "142500.00", None),
    ("M-PRS-250", "Hydraulische Presse HP 250", "pc", "219000.00", None),
    ("M-MON-01", "Montagelinie ML 1 (Sondermaschine)", "pc", "612000.00", None),
    ("M-RET-01", "Retrofit Steuerung (Paket)", "pc", "58400.00", None),
    ("M-ROB-10", "Roboterzelle RZ 10", "pc", "96500.00", None),
    ("M-WAS-30", "Industriewaschanlage IW 30", "pc", "74200.00", None),
    ("M-ZUF-05", "Zuführsystem ZS 5", "pc", "31800.00", None),
    ("M-MES-02", "Messstation MS 2", "pc", "27900.00", None),
    ("E-SPI-40", "Spindel SP 40 (Ersatzteil)", "pc", "4380.00", None),
    ("E-FIL-10", "Hydraulikfilter HF 10", "pc", "86.50", (10, 1)),
    ("E-DIC-SET", "Dichtungssatz DS Standard", "set", "142.00", (10, 1)),
    ("E-KUG-25", "Kugelgewindetrieb KGT 25", "pc", "1265.00", None),
    ("E-LIN-35", "Linearführung LF 35", "pc", "689.00", None),
    ("E-SEN-IND", "Induktiver Näherungssensor", "pc", "48.90", (10, 1)),
    ("E-REL-24", "Sicherheitsrelais 24 V", "pc", "212.00", None),
    ("E-ZAH-M3", "Zahnriemen M3", "pc", "37.40", (20, 2)),
    ("E-KUP-50", "Kupplung K 50", "pc", "318.00", None),
    ("E-WER-HSK", "Werkzeugaufnahme HSK 63", "pc", "264.00", (10, 1)),
    ("E-OEL-20", "Hydrauliköl HLP 46, 20 l", "can", "118.00", (10, 1)),
    ("E-SCH-FLT", "Schaltschrankfilter", "pc", "29.80", (10, 1)),
    ("S-WAR-BAS", "Wartungsvertrag Basis (jährlich)", "yr", "4800.00", None),
    ("S-WAR-PLU", "Wartungsvertrag Plus (jährlich)", "yr", "9600.00", None),
    ("S-WAR-PRE", "Wartungsvertrag Premium 24/7 (jährlich)", "yr", "18400.00", None),
    ("S-INB-TAG", "Inbetriebnahme (Tagessatz)", "day", "1180.00", None),
    ("S-SCH-TAG", "Schulung Bediener (Tagessatz)", "day", "960.00", None),
    ("S-SER-STD", "Servicetechniker (Stunde)", "h", "118.00", None),
    ("S-FER-DIA", "Ferndiagnose (Jahreslizenz)", "yr", "2400.00", None),
    ("S-UMB-TAG", "Umbau und Verlagerung (Tagessatz)", "day", "1420.00", None),
]


@dataclass(frozen=True)
class _Known:
    """An account as the customers seeder hands it on (see customers.demo.SeededAccount)."""

    id: int
    created_at: datetime
    owner_id: int | None
    contact_ids: tuple[int, ...]


def seed(ctx: DemoContext) -> None:
    if Pipeline.objects.exists():
        ctx.log("Sales: already set up, skipped.")
        return
    admin = ctx.actor
    with acting(admin, Source.SYSTEM):
        pipeline = services.pipeline_create(
            actor=admin, name="Vertrieb", stages=STAGES, is_default=True
        )
        reasons = [services.lost_reason_create(actor=admin, name=n) for n in LOST_REASONS]
        price_list = services.price_list_create(
            actor=admin, name="Listenpreise 2026", currency="EUR", is_default=True
        )
        products: list[Product] = []
        for sku, name, unit, price, rule in PRODUCTS:
            product = services.product_create(
                actor=admin,
                sku=sku,
                name=name,
                unit=unit,
                buy_quantity=rule[0] if rule else None,
                free_quantity=rule[1] if rule else None,
            )
            services.price_set(
                actor=admin, price_list=price_list, product=product, unit_price=Decimal(price)
            )
            products.append(product)
        deals = _seed_deals(ctx, pipeline, reasons, price_list, products)
    ctx.log(f"Sales: 1 pipeline, {len(products)} products, {deals} deals.")


def _seed_deals(
    ctx: DemoContext,
    pipeline: Pipeline,
    reasons: list[LostReason],
    price_list: PriceList,
    products: list[Product],
) -> int:
    from interlock.customers.models import Account, Contact

    rng = ctx.rng
    admin = ctx.actor
    now = ctx.now
    seeded = ctx.shared.get("customers.accounts")
    if seeded is None:  # run alone (tests): every account, no known history
        seeded = [
            _Known(a.pk, a.created_at, a.owner_id, ()) for a in Account.objects.order_by("pk")[:600]
        ]
    if not seeded:
        return 0
    users = ctx.shared.get("org.users", {})
    members = [u for u in users.values() if u.role == "member"] or [admin]
    by_id = {u.pk: u for u in users.values()}
    open_stages = sorted(
        (s for s in pipeline.stages.all() if s.kind == Stage.Kind.OPEN), key=lambda s: s.order
    )
    list_price = {sku: Decimal(price) for sku, _n, _u, price, _r in PRODUCTS}
    machines = [p for p in products if p.sku.startswith("M-")]
    parts = [p for p in products if p.sku.startswith("E-")]
    services_ = [p for p in products if p.sku.startswith("S-")]
    picks = [rng.choice(seeded) for _n in range(ctx.count(DEALS))]
    accounts = Account.objects.in_bulk([a.id for a in picks])
    contacts = Contact.objects.in_bulk([c for a in picks for c in a.contact_ids[:1]])
    plans: list[tuple[datetime, Any]] = []
    for known in picks:  # when each deal began, so they are written in time order
        earliest = max(known.created_at, now - timedelta(days=HISTORY_DAYS)) + timedelta(hours=2)
        span = max(3600.0, (now - earliest).total_seconds() - 3600)
        plans.append((earliest + timedelta(seconds=span * rng.random()), known))
    plans.sort(key=lambda plan: (plan[0], plan[1].id))
    made: list[dict[str, Any]] = []
    for created, known in plans:
        account = accounts[known.id]
        kind = rng.choice(("machine", "parts", "parts", "service"))
        if kind == "machine":
            product = rng.choice(machines)
            title = f"{product.name} für {account.name}"
        elif kind == "parts":
            product = rng.choice(parts)
            title = f"Ersatzteile {account.name}"
        else:
            product = rng.choice(services_)
            title = f"{product.name} – {account.name}"
        close = created + timedelta(days=rng.randint(*CYCLE_DAYS[kind]), hours=rng.randint(0, 8))
        lines = _lines(rng, kind, product, parts)
        amount = sum((_net(line, list_price) for line in lines), Decimal(0))
        owner = by_id.get(known.owner_id) if known.owner_id else None
        if owner is None or owner.role != "member":
            owner = rng.choice(members)
        contact = contacts.get(known.contact_ids[0]) if known.contact_ids else None
        deal = services.deal_create(
            actor=admin,
            title=title[:200],
            account=account,
            contact=contact,
            owner=owner,
            pipeline=pipeline,
            amount=amount,
            expected_close_date=close.date(),
            at=created,
        )
        decided = close < now - timedelta(hours=1)
        # How far along the open stages it got: all the way for decided deals,
        # in proportion to the time passed for the open ones.
        end = close if decided else now
        fraction = 1.0 if decided else (now - created) / (close - created)
        reached = min(len(open_stages) - 1, int(fraction * len(open_stages)))
        if decided and rng.random() < 0.4:
            reached = rng.randint(0, reached)  # some were decided early
        step = (end - created) / (reached + 2)
        moments = [created + step * (n + 1) for n in range(reached)]
        for stage, at in zip(open_stages[1 : reached + 1], moments, strict=True):
            services.deal_move_stage(actor=admin, deal=deal, stage=stage, at=at)
        quote = None
        if rng.random() < 0.65:
            written = created + step * max(1, reached) * rng.uniform(0.5, 1.0)
            quote = services.quote_create(
                actor=admin,
                deal=deal,
                price_list=price_list,
                valid_until=(written + timedelta(days=30)).date(),
                at=written,
            )
            services.quote_set_lines(actor=admin, quote=quote, lines=lines, at=written)
            sent = written + timedelta(hours=rng.randint(2, 72))
            if sent < end:
                services.quote_send(actor=admin, quote=quote, at=sent)
            else:
                quote = None  # still a draft
        won = decided and rng.random() < 0.45
        if won:
            if quote is not None:
                services.quote_accept(actor=admin, quote=quote, at=close)
            services.deal_win(actor=admin, deal=deal, at=close)
        elif decided:
            if quote is not None:
                services.quote_reject(actor=admin, quote=quote, at=close)
            services.deal_lose(actor=admin, deal=deal, reason=rng.choice(reasons), at=close)
        made.append(
            {
                "id": deal.pk,
                "account_id": account.pk,
                "product_id": product.pk,
                "created_at": created,
                "won_at": close if won else None,
            }
        )
    ctx.shared["sales.deals"] = made
    return len(made)


def _net(line: services.LineSpec, list_price: dict[str, Decimal]) -> Decimal:
    """A line's value after its discounts, at list price (free units cost nothing)."""
    assert line.product is not None
    gross = line.quantity * list_price[line.product.sku]
    net = gross * (1 - line.discount_percent / 100) - line.discount_amount
    return max(Decimal(0), net).quantize(Decimal("0.01"))


def _lines(rng: Any, kind: str, product: Product, parts: list[Product]) -> list[services.LineSpec]:
    if kind == "machine":
        return [
            services.LineSpec(
                quantity=Decimal(1),
                product=product,
                discount_percent=Decimal(rng.choice((0, 3, 5, 8))),
            ),
            services.LineSpec(
                quantity=Decimal(rng.randint(1, 5)),
                product=next(p for p in parts if p.sku == "E-FIL-10")
                if rng.random() < 0.5
                else rng.choice(parts),
            ),
        ]
    if kind == "parts":
        chosen = rng.sample(parts, k=rng.randint(1, 4))
        return [
            services.LineSpec(quantity=Decimal(rng.choice((5, 10, 12, 20, 25, 40))), product=p)
            for p in chosen
        ]
    return [
        services.LineSpec(
            quantity=Decimal(rng.randint(1, 3)),
            product=product,
            discount_amount=Decimal(rng.choice((0, 0, 100, 250))),
        )
    ]

"""Demo sales data for Kessler Maschinenbau: pipeline, products, EUR prices, deals, quotes.

Written through :mod:`interlock.sales.services` as the demo admin; dates of
won and lost deals are spread over two years afterwards (history cannot be
created in the past through a service). Deterministic for a given seed.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from interlock.core.context import Source, acting
from interlock.core.demo import DemoContext
from interlock.sales import services
from interlock.sales.models import Deal, LostReason, Pipeline, PriceList, Product, Stage

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
    from interlock.customers.models import Account

    accounts = list(Account.objects.order_by("id")[:600])
    if not accounts:
        return 0
    rng = ctx.rng
    admin = ctx.actor
    owners = [u for u in ctx.shared.get("org.users", {}).values() if u.role == "member"] or [admin]
    stages = {s.name: s for s in pipeline.stages.all()}
    open_stages = [s for s in stages.values() if s.kind == Stage.Kind.OPEN]
    machines = [p for p in products if p.sku.startswith("M-")]
    parts = [p for p in products if p.sku.startswith("E-")]
    services_ = [p for p in products if p.sku.startswith("S-")]
    count = 0
    for i, account in enumerate(accounts):
        if rng.random() < 0.4:
            continue
        for _n in range(rng.choice((1, 1, 1, 2, 3))):
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
            deal = services.deal_create(
                actor=admin,
                title=title[:200],
                account=account,
                owner=rng.choice(owners),
                pipeline=pipeline,
                amount=Decimal(0),
                expected_close_date=ctx.today + timedelta(days=rng.randint(-30, 180)),
            )
            lines = _lines(rng, kind, product, parts)
            quote = None
            if rng.random() < 0.6:
                quote = services.quote_create(
                    actor=admin,
                    deal=deal,
                    price_list=price_list,
                    valid_until=ctx.today + timedelta(days=30),
                )
                services.quote_set_lines(actor=admin, quote=quote, lines=lines)
                from interlock.sales.selectors import quote_totals

                amount = quote_totals(quote).subtotal
            else:
                amount = Decimal(rng.randint(2, 400) * 500)
            Deal.objects.filter(pk=deal.pk).update(amount=amount)
            deal.amount = amount
            outcome = rng.random()
            days_ago = rng.randint(0, 730)
            at = ctx.now - timedelta(days=days_ago, hours=rng.randint(0, 23))
            if outcome < 0.35:
                if quote:
                    services.quote_send(actor=admin, quote=quote)
                    services.quote_accept(actor=admin, quote=quote)
                services.deal_win(actor=admin, deal=deal)
                Deal.objects.filter(pk=deal.pk).update(won_at=at)
            elif outcome < 0.6:
                if quote:
                    services.quote_send(actor=admin, quote=quote)
                    services.quote_reject(actor=admin, quote=quote)
                services.deal_lose(actor=admin, deal=deal, reason=rng.choice(reasons))
                Deal.objects.filter(pk=deal.pk).update(lost_at=at)
            else:
                target = rng.choice(open_stages)
                if target.pk != deal.stage_id:
                    services.deal_move_stage(actor=admin, deal=deal, stage=target)
            Deal.objects.filter(pk=deal.pk).update(
                created_at=at - timedelta(days=rng.randint(7, 90))
            )
            count += 1
        if i and i % 200 == 0:
            ctx.log(f"Sales: {count} deals so far …")
    return count


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

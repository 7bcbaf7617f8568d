"""Demo complaints and ideas on the demo company's accounts (after customers and sales, order 400).

Two years of history through :mod:`interlock.feedback.services`, each step
at its own moment (``created_at`` / ``at``): complaints are received, answered,
resolved and rated at realistic intervals (recent ones are still open); about
a third concern a won deal and its product (linked, on that deal's account,
after it was won). Ideas come up over the two years, customers ask for them
and colleagues vote. Deterministic for a given seed; 120 complaints at full size.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from interlock.core import demo
from interlock.core.context import Source, acting
from interlock.customers.models import Account
from interlock.feedback import services
from interlock.feedback.models import Complaint, Idea
from interlock.sales.models import Deal, Product

COMPLAINT_COUNT = 120  # at full size
HISTORY_DAYS = 730

CATEGORIES = [
    "Lieferverzug",
    "Qualitätsmangel",
    "Rechnung",
    "Service",
    "Ersatzteile",
    "Dokumentation",
]

COMPLAINTS = {
    "Lieferverzug": [
        (
            "Lieferung zwei Wochen zu spät",
            "Die zugesagte Lieferung kam erst nach 14 Tagen; unsere Montage stand still.",
        ),
        (
            "Teillieferung ohne Ankündigung",
            "Nur die Hälfte der Positionen wurde geliefert, ohne Hinweis auf den Rest.",
        ),
    ],
    "Qualitätsmangel": [
        (
            "Gehäuse mit Haarrissen",
            "Bei drei von zehn Gehäusen sind Haarrisse an der Verschraubung sichtbar.",
        ),
        ("Dichtung undicht nach 200 Stunden", "Die Dichtung verliert nach kurzer Laufzeit Öl."),
    ],
    "Rechnung": [
        ("Rabatt nicht berücksichtigt", "Der vereinbarte Rahmenrabatt fehlt auf der Rechnung."),
        ("Doppelte Rechnung erhalten", "Dieselbe Lieferung wurde zweimal berechnet."),
    ],
    "Service": [
        ("Techniker nicht erschienen", "Der vereinbarte Servicetermin fand nicht statt."),
        ("Hotline nicht erreichbar", "Über zwei Tage war die Hotline nicht erreichbar."),
    ],
    "Ersatzteile": [
        ("Ersatzteil falsch geliefert", "Statt Lager 6204 kam Lager 6205."),
        ("Lange Lieferzeit für Verschleißteile", "Acht Wochen für Standard-Verschleißteile."),
    ],
    "Dokumentation": [
        ("Bedienungsanleitung nur auf Englisch", "Wir benötigen die Anleitung auf Deutsch."),
        ("Schaltplan fehlt", "Dem Schaltschrank lag kein aktueller Schaltplan bei."),
    ],
}

RESOLUTIONS = [
    "Ersatz geliefert und Versandkosten erstattet.",
    "Gutschrift erstellt und Prozess angepasst.",
    "Techniker vor Ort, Fehler behoben.",
    "Fehlende Unterlagen nachgeliefert.",
]

IDEAS = [
    "Online-Portal für Ersatzteilbestellungen",
    "Lieferstatus per SMS",
    "Deutschsprachige Videoanleitungen",
    "Wartungsverträge mit festen Reaktionszeiten",
    "Digitaler Lieferschein mit QR-Code",
    "Sammelrechnung pro Monat",
    "Vorab-Austausch von Verschleißteilen",
    "Schulungen für Bedienpersonal vor Ort",
    "Schnittstelle zum ERP des Kunden",
    "Leihgeräte während der Reparatur",
    "Express-Lieferung gegen Aufpreis",
    "Ersatzteilkatalog als App",
    "Fernwartung per VPN",
    "Jährlicher Zustandsbericht der Anlagen",
    "Kundenbeirat zweimal im Jahr",
    "Preise für Verbrauchsmaterial im Rahmenvertrag",
    "Englische und deutsche Dokumentation im Lieferumfang",
    "Kalender für Servicetermine online",
    "Konsignationslager beim Kunden",
    "Mehrwegverpackung für Großteile",
    "Fotodokumentation bei Warenausgang",
    "Ansprechpartner pro Region",
    "Rückruf-Service der Hotline",
    "Chat auf der Website",
    "Energieverbrauchsmessung nachrüsten",
]


def _after(rng: Any, since: datetime, now: datetime) -> datetime:
    """A moment between ``since`` and an hour ago (``since`` itself if that is later)."""
    span = (now - since).total_seconds() - 3600
    return since + timedelta(seconds=span * rng.random()) if span > 0 else since


def seed_feedback(ctx: demo.DemoContext) -> None:
    rng = ctx.rng
    actor = ctx.actor
    if actor is None:
        return
    now = ctx.now
    start = now - timedelta(days=HISTORY_DAYS)
    with acting(actor, Source.SYSTEM):
        categories = {name: services.category_create(actor=actor, name=name) for name in CATEGORIES}
        accounts = list(Account.objects.order_by("pk")[: max(20, ctx.count(2000))])
        users = list(get_user_model().objects.filter(is_active=True).order_by("pk")[:40])
        won = [d for d in ctx.shared.get("sales.deals", []) if d["won_at"] is not None]
        deals = Deal.objects.select_related("account").in_bulk([d["id"] for d in won])
        products = Product.objects.in_bulk([d["product_id"] for d in won])
        complaints: list[Complaint] = []
        if accounts:
            for _i in range(ctx.count(COMPLAINT_COUNT)):
                cat = rng.choice(CATEGORIES)
                title, text = rng.choice(COMPLAINTS[cat])
                deal = product = None
                if won and rng.random() < 0.35:
                    link = rng.choice(won)
                    deal, product = deals[link["id"]], products[link["product_id"]]
                    account = deal.account
                    created = _after(rng, link["won_at"] + timedelta(days=3), now)
                else:
                    account = rng.choice(accounts)
                    created = _after(rng, max(start, account.created_at), now)
                complaint = services.complaint_create(
                    actor=actor,
                    account=account,
                    category=categories[cat],
                    channel=rng.choice(Complaint.Channel.values),
                    severity=rng.choice(Complaint.Severity.values),
                    title=title,
                    description=text,
                    owner=rng.choice(users),
                    product=product,
                    deal=deal,
                    created_at=created,
                )
                complaint = _handle(rng, actor, complaint, created, now)
                complaints.append(complaint)
        for title in IDEAS[: ctx.count(len(IDEAS))]:
            came_up = start + timedelta(days=rng.randint(0, HISTORY_DAYS - 10))
            idea = services.idea_create(
                actor=actor, title=title, source=rng.choice(Idea.Source.values), at=came_up
            )
            status = rng.choice(Idea.Status.values)
            if status != Idea.Status.NEW:
                services.idea_set_status(
                    actor=actor, idea=idea, status=status, at=_after(rng, came_up, now)
                )
            for account in rng.sample(accounts, min(len(accounts), rng.randint(0, 6))):
                services.idea_link_account(
                    actor=actor,
                    idea=idea,
                    account=account,
                    at=_after(rng, max(came_up, account.created_at), now),
                )
            for user in rng.sample(users, min(len(users), rng.randint(0, 8))):
                if user.role != "readonly":
                    services.idea_vote(actor=user, idea=idea, at=_after(rng, came_up, now))
            if complaints and rng.random() < 0.3:
                complaint = rng.choice(complaints)
                services.idea_link_complaint(
                    actor=actor,
                    idea=idea,
                    complaint=complaint,
                    at=_after(rng, max(came_up, complaint.created_at), now),
                )
    linked = sum(1 for c in complaints if c.deal_id)
    ideas = ctx.count(len(IDEAS))
    ctx.log(f"feedback: {len(complaints)} complaints ({linked} on a won deal), {ideas} ideas")


def _handle(
    rng: Any, actor: Any, complaint: Complaint, created: datetime, now: datetime
) -> Complaint:
    """Answer, resolve and rate it as far as time allows (recent ones stay open)."""
    roll = rng.random()
    if roll <= 0.1:
        return complaint
    first = created + timedelta(hours=rng.randint(1, 72))
    if first >= now:
        return complaint
    complaint = services.complaint_respond(actor=actor, complaint=complaint, at=first)
    if roll <= 0.3:
        return complaint
    done = first + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8))
    if done >= now:
        return complaint
    complaint = services.complaint_set_status(
        actor=actor,
        complaint=complaint,
        status=Complaint.Status.RESOLVED,
        resolution=rng.choice(RESOLUTIONS),
        at=done,
    )
    rated = done + timedelta(days=rng.randint(1, 10))
    if rated < now:
        complaint = services.complaint_rate(
            actor=actor,
            complaint=complaint,
            satisfaction=rng.choice([2, 3, 4, 4, 5, 5]),
            at=rated,
        )
    return complaint


def register() -> None:
    demo.register("feedback", seed_feedback, order=400)

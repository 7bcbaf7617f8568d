"""Demo complaints and ideas on the demo company's accounts (after customers, order 400)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model

from interlock.core import demo
from interlock.core.context import Source, acting
from interlock.customers.models import Account
from interlock.feedback import services
from interlock.feedback.models import Complaint, Idea

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


def seed_feedback(ctx: demo.DemoContext) -> None:
    rng = ctx.rng
    actor = ctx.actor
    if actor is None:
        return
    with acting(actor, Source.SYSTEM):
        categories = {name: services.category_create(actor=actor, name=name) for name in CATEGORIES}
        accounts = list(Account.objects.order_by("pk")[:500])
        users = list(get_user_model().objects.filter(is_active=True).order_by("pk"))
        complaints: list[Complaint] = []
        if accounts:
            for _i in range(60):
                cat = rng.choice(CATEGORIES)
                title, text = rng.choice(COMPLAINTS[cat])
                created = ctx.now - timedelta(days=rng.randint(1, 730), hours=rng.randint(0, 9))
                complaint = services.complaint_create(
                    actor=actor,
                    account=rng.choice(accounts),
                    category=categories[cat],
                    channel=rng.choice(Complaint.Channel.values),
                    severity=rng.choice(Complaint.Severity.values),
                    title=title,
                    description=text,
                    owner=rng.choice(users),
                    created_at=created,
                )
                roll = rng.random()
                if roll > 0.1:
                    first = created + timedelta(hours=rng.randint(1, 72))
                    if first < ctx.now:
                        complaint = services.complaint_respond(
                            actor=actor, complaint=complaint, at=first
                        )
                        if roll > 0.3:
                            done = first + timedelta(days=rng.randint(1, 20))
                            if done < ctx.now:
                                complaint = services.complaint_set_status(
                                    actor=actor,
                                    complaint=complaint,
                                    status=Complaint.Status.RESOLVED,
                                    resolution=rng.choice(RESOLUTIONS),
                                    at=done,
                                )
                                complaint = services.complaint_rate(
                                    actor=actor,
                                    complaint=complaint,
                                    satisfaction=rng.choice([2, 3, 4, 4, 5, 5]),
                                )
                complaints.append(complaint)
        for title in IDEAS:
            idea = services.idea_create(
                actor=actor, title=title, source=rng.choice(Idea.Source.values)
            )
            status = rng.choice(Idea.Status.values)
            if status != Idea.Status.NEW:
                services.idea_set_status(actor=actor, idea=idea, status=status)
            for account in rng.sample(accounts, min(len(accounts), rng.randint(0, 6))):
                services.idea_link_account(actor=actor, idea=idea, account=account)
            for user in rng.sample(users, min(len(users), rng.randint(0, 8))):
                if user.role != "readonly":
                    services.idea_vote(actor=user, idea=idea)
            if complaints and rng.random() < 0.3:
                services.idea_link_complaint(
                    actor=actor, idea=idea, complaint=rng.choice(complaints)
                )
    ctx.log(f"feedback: {len(complaints)} complaints, {len(IDEAS)} ideas")


def register() -> None:
    demo.register("feedback", seed_feedback, order=400)

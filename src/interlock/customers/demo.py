"""Demo customers: German and European industrial companies, their people, some history.

Deterministic (the context's ``random.Random``), through the services, quick.
About 200 accounts here; the issue's 2,000 accounts / 8,000 contacts need the
bulk import path.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import phonenumbers
from django.utils.text import slugify

from interlock.core import demo
from interlock.core.context import Source, acting
from interlock.customers import services
from interlock.customers.models import Account, Contact

ACCOUNTS = 200

PREFIXES = [
    "Kessler", "Brandt", "Hofmann", "Vogt", "Lindner", "Seidel", "Krause", "Becker", "Wagner",
    "Schäfer", "Roth", "Berger", "Hahn", "Keller", "Lorenz", "Fuchs", "Graf", "Winkler", "Franke",
    "Albrecht", "Sommer", "Arnold", "Haas", "Pohl", "Kuhn", "Ludwig", "Jäger", "Busch", "Horn",
    "Engel", "Bauer", "Möller", "Thiel", "Dietrich", "Kraft", "Ebert", "Voss", "Stein", "Brunner",
    "Gruber", "Moser", "Egger", "Van Dijk", "De Vries", "Novak", "Dvořák", "Rossi", "Bianchi",
    "Lefèvre", "Nowak",
]  # fmt: skip
INDUSTRIES = [
    ("Machine building", ["Maschinenbau", "Anlagenbau", "Präzisionstechnik"]),
    ("Automotive supplier", ["Fahrzeugtechnik", "Automotive", "Zulieferteile"]),
    ("Food processing", ["Lebensmitteltechnik", "Nahrungsmittel", "Feinkost"]),
    ("Chemicals", ["Chemie", "Spezialchemie", "Kunststoffe"]),
    ("Metal working", ["Metallbau", "Stanztechnik", "Gießerei"]),
    ("Packaging", ["Verpackung", "Folientechnik"]),
    ("Electrical equipment", ["Elektrotechnik", "Antriebstechnik", "Sensorik"]),
    ("Medical technology", ["Medizintechnik"]),
]
LEGAL = ["GmbH", "GmbH & Co. KG", "AG", "KG", "SE"]
COUNTRIES = [("DE", 0.7), ("AT", 0.1), ("CH", 0.08), ("NL", 0.05), ("CZ", 0.04), ("PL", 0.03)]
DE_STATES = ["BW", "BY", "NW", "NI", "HE", "SN", "RP", "TH"]
FIRST = [
    "Anna", "Lukas", "Sophie", "Jonas", "Marie", "Felix", "Laura", "Maximilian", "Julia", "Paul",
    "Katharina", "Tobias", "Sabine", "Stefan", "Claudia", "Thomas", "Monika", "Andreas", "Petra",
    "Michael", "Birgit", "Jürgen", "Ute", "Matthias", "Eva", "Florian", "Nina", "Sebastian",
]  # fmt: skip
LAST = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Schmitt", "Meier", "Lehmann", "Köhler",
]  # fmt: skip
TITLES = [
    ("Geschäftsführer", "decision_maker"),
    ("Leiter Einkauf", "economic_buyer"),
    ("Einkäufer", "gatekeeper"),
    ("Leiter Produktion", "technical_buyer"),
    ("Instandhaltung", "user"),
    ("Qualitätsmanagement", "influencer"),
    ("Technischer Leiter", "champion"),
]
ACTIVITIES = [
    ("call", "Quarterly review"),
    ("meeting", "Site visit and line audit"),
    ("email", "Spare parts offer sent"),
    ("note", "Budget for next year confirmed"),
    ("call", "Follow-up on maintenance contract"),
    ("meeting", "Trade fair conversation"),
]
TASKS = ["Send revised offer", "Call back about delivery dates", "Prepare service visit"]


AREA_CODES = ["30", "40", "89", "69", "711", "221", "911", "341", "351", "521", "621", "721", "731"]


def _phone(rng: Any) -> str:
    """A German landline number the phone library accepts (deterministic per rng)."""
    for _attempt in range(20):
        area = rng.choice(AREA_CODES)
        subscriber = (
            rng.randint(10**6, 10**7 - 1) if len(area) == 2 else rng.randint(10**5, 10**6 - 1)
        )
        candidate = f"+49 {area} {subscriber}"
        number = phonenumbers.parse(candidate, "DE")
        if phonenumbers.is_valid_number(number):
            return candidate
    return ""


def _ascii(text: str) -> str:
    return slugify(text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss"))


def seed(ctx: demo.DemoContext) -> None:
    actor = ctx.actor
    if actor is None or Account.all_objects.exists():
        return
    rng = ctx.rng
    users: list[Any] = [u for u in ctx.shared.get("org.users", {}).values() if u.is_active]
    owners = [u for u in users if getattr(u, "role", "") in {"member", "management"}] or users
    counts = {"accounts": 0, "contacts": 0, "activities": 0, "tasks": 0}
    seen_domains: set[str] = set()
    with acting(actor, Source.SYSTEM):
        for i in range(ACCOUNTS):
            industry, words = rng.choice(INDUSTRIES)
            name = f"{rng.choice(PREFIXES)} {rng.choice(words)} {rng.choice(LEGAL)}"
            country = rng.choices([c for c, _w in COUNTRIES], [w for _c, w in COUNTRIES])[0]
            tld = {"DE": "de", "AT": "at", "CH": "ch", "NL": "nl", "CZ": "cz", "PL": "pl"}[country]
            domain = f"{_ascii(name.rsplit(' ', 1)[0])[:40]}.{tld}"
            if domain in seen_domains:
                domain = f"{_ascii(name.rsplit(' ', 1)[0])[:36]}-{i}.{tld}"
            seen_domains.add(domain)
            owner = rng.choice(owners) if owners else None
            account = services.account_create(
                actor=actor,
                name=name,
                domain=domain,
                industry=industry,
                size=rng.choice(Account.Size.values),
                revenue_band=rng.choice(Account.RevenueBand.values),
                country=country,
                state=rng.choice(DE_STATES) if country == "DE" else "",
                lifecycle=rng.choices(Account.Lifecycle.values, [3, 6, 1])[0],
                owner=owner,
            )
            counts["accounts"] += 1
            contacts: list[Contact] = []
            for j in range(rng.randint(2, 5)):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                title, role = rng.choice(TITLES)
                contact = services.contact_create(
                    actor=actor,
                    first_name=first,
                    last_name=last,
                    email=f"{_ascii(first)}.{_ascii(last)}{j}@{domain}",
                    phone=_phone(rng) if country == "DE" else "",
                    title=title,
                    buying_role=role,
                    account=account,
                    owner=owner,
                    allow_duplicate=True,
                )
                contacts.append(contact)
                counts["contacts"] += 1
            for _n in range(rng.randint(0, 3)):
                kind, subject = rng.choice(ACTIVITIES)
                services.activity_log(
                    actor=owner or actor,
                    kind=kind,
                    subject=subject,
                    body="",
                    occurred_at=ctx.now - timedelta(days=rng.randint(1, 700)),
                    account=account,
                    contact=rng.choice(contacts),
                )
                counts["activities"] += 1
            if owner is not None and rng.random() < 0.15:
                services.task_create(
                    actor=owner,
                    subject=rng.choice(TASKS),
                    due_at=ctx.now + timedelta(days=rng.randint(-3, 21)),
                    assignee=owner,
                    account=account,
                    contact=rng.choice(contacts),
                )
                counts["tasks"] += 1
    ctx.log(
        "Customers: {accounts} accounts, {contacts} contacts, {activities} activities, "
        "{tasks} open tasks.".format(**counts)
    )

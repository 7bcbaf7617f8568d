"""Demo customers: German and European industrial companies, their people, two years of history.

Deterministic (the context's ``random.Random``). About 2,000 accounts and
8,000 contacts (scaled by the demo's size) go through the bulk path
(:mod:`interlock.customers.bulk`): validated like the services, audited, with
``account.created`` / ``contact.created`` events dated at each record's
``created_at`` — spread over the last two years, contacts after their
account. Activities and tasks go through the services with their historical
``occurred_at``. The accounts' creation dates are handed on in
``ctx.shared["customers.accounts"]`` so deals and complaints come later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from django.utils.text import slugify

from interlock.core import demo
from interlock.core.context import Source, acting
from interlock.customers import bulk, services
from interlock.customers.models import Account, Contact

ACCOUNTS = 2000  # at full size; about four contacts each
ACTIVITY_ACCOUNTS = 160  # accounts with logged calls, meetings, e-mails and notes
HISTORY_DAYS = 730

PREFIXES = [
    "Kessler", "Brandt", "Hofmann", "Vogt", "Lindner", "Seidel", "Krause", "Becker", "Wagner",
    "Schäfer", "Roth", "Berger", "Hahn", "Keller", "Lorenz", "Fuchs", "Graf", "Winkler", "Franke",
    "Albrecht", "Sommer", "Arnold", "Haas", "Pohl", "Kuhn", "Ludwig", "Jäger", "Busch", "Horn",
    "Engel", "Bauer", "Möller", "Thiel", "Dietrich", "Kraft", "Ebert", "Voss", "Stein", "Brunner",
    "Gruber", "Moser", "Egger", "Van Dijk", "De Vries", "Novak", "Dvořák", "Rossi", "Bianchi",
    "Lefèvre", "Nowak",
]  # fmt: skip
# Industry names as a German company keeps them in its CRM (data, not UI text).
INDUSTRIES = [
    ("Maschinenbau", ["Maschinenbau", "Anlagenbau", "Präzisionstechnik"]),
    ("Automobilzulieferer", ["Fahrzeugtechnik", "Automotive", "Zulieferteile"]),
    ("Lebensmittelverarbeitung", ["Lebensmitteltechnik", "Nahrungsmittel", "Feinkost"]),
    ("Chemie", ["Chemie", "Spezialchemie", "Kunststoffe"]),
    ("Metallverarbeitung", ["Metallbau", "Stanztechnik", "Gießerei"]),
    ("Verpackung", ["Verpackung", "Folientechnik"]),
    ("Elektrotechnik", ["Elektrotechnik", "Antriebstechnik", "Sensorik"]),
    ("Medizintechnik", ["Medizintechnik"]),
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


@dataclass(frozen=True)
class SeededAccount:
    """What later seeders need to know about a demo account."""

    id: int
    created_at: datetime
    owner_id: int | None
    contact_ids: tuple[int, ...]


def _created(rng: Any, now: datetime) -> datetime:
    """A moment in the last two years, more of them long ago (the book grew over time)."""
    days = HISTORY_DAYS * rng.random() ** 0.7
    return now - timedelta(days=days + 3, minutes=rng.randint(0, 600))


def account_rows(rng: Any, count: int, now: datetime, owner_ids: list[int]) -> list[dict[str, Any]]:
    """``count`` account rows for the bulk path (pure: no database)."""
    rows: list[dict[str, Any]] = []
    seen_domains: set[str] = set()
    for i in range(count):
        industry, words = rng.choice(INDUSTRIES)
        name = f"{rng.choice(PREFIXES)} {rng.choice(words)} {rng.choice(LEGAL)}"
        country = rng.choices([c for c, _w in COUNTRIES], [w for _c, w in COUNTRIES])[0]
        tld = {"DE": "de", "AT": "at", "CH": "ch", "NL": "nl", "CZ": "cz", "PL": "pl"}[country]
        stem = _ascii(name.rsplit(" ", 1)[0])[:40]
        domain = f"{stem}.{tld}"
        if domain in seen_domains:
            domain = f"{stem[:34]}-{i}.{tld}"
        seen_domains.add(domain)
        rows.append(
            {
                "name": name,
                "domain": domain,
                "industry": industry,
                "size": rng.choice(Account.Size.values),
                "revenue_band": rng.choice(Account.RevenueBand.values),
                "country": country,
                "state": rng.choice(DE_STATES) if country == "DE" else "",
                "lifecycle": rng.choices(Account.Lifecycle.values, [3, 6, 1])[0],
                "owner_id": rng.choice(owner_ids) if owner_ids else None,
                "created_at": _created(rng, now),
            }
        )
    return rows


def contact_rows(
    rng: Any, account: dict[str, Any], account_id: int, now: datetime
) -> list[dict[str, Any]]:
    """Two to six people at one account, added after it (pure: no database)."""
    rows: list[dict[str, Any]] = []
    since = account["created_at"]
    span = max(60.0, (now - since).total_seconds() - 3600)
    for j in range(rng.choice((2, 3, 3, 4, 4, 4, 5, 5, 6, 6))):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        title, role = rng.choice(TITLES)
        rows.append(
            {
                "first_name": first,
                "last_name": last,
                "email": f"{_ascii(first)}.{_ascii(last)}{j}@{account['domain']}",
                "phone": _phone(rng) if account["country"] == "DE" else "",
                "title": title,
                "buying_role": role,
                "account_id": account_id,
                "owner_id": account["owner_id"],
                # the first contact comes with the account, the others later
                "created_at": since + timedelta(seconds=span * rng.random() ** 2 if j else 60),
            }
        )
    return rows


def seed(ctx: demo.DemoContext) -> None:
    actor = ctx.actor
    if actor is None or Account.all_objects.exists():
        return
    rng = ctx.rng
    users: list[Any] = [u for u in ctx.shared.get("org.users", {}).values() if u.is_active]
    owners = [u for u in users if getattr(u, "role", "") in {"member", "management"}] or users
    by_id = {u.pk: u for u in users}
    counts = {"accounts": 0, "contacts": 0, "activities": 0, "tasks": 0}
    now = ctx.now
    with acting(actor, Source.SYSTEM):
        rows = account_rows(rng, ctx.count(ACCOUNTS), now, [u.pk for u in owners])
        account_ids = bulk.bulk_create_accounts(rows, actor=actor)
        counts["accounts"] = len(account_ids)
        people: list[dict[str, Any]] = []
        for row, account_id in zip(rows, account_ids, strict=True):
            people.extend(contact_rows(rng, row, account_id, now))
        contact_ids = bulk.bulk_create_contacts(people, actor=actor)
        counts["contacts"] = len(contact_ids)
        mine: dict[int, list[tuple[int, datetime]]] = {}
        for person, contact_id in zip(people, contact_ids, strict=True):
            mine.setdefault(person["account_id"], []).append((contact_id, person["created_at"]))
        seeded = [
            SeededAccount(
                id=account_id,
                created_at=row["created_at"],
                owner_id=row["owner_id"],
                contact_ids=tuple(cid for cid, _at in mine.get(account_id, [])),
            )
            for row, account_id in zip(rows, account_ids, strict=True)
        ]
        ctx.shared["customers.accounts"] = seeded

        # Calls, meetings, e-mails and notes through the service, at their dates.
        chosen = rng.sample(seeded, min(len(seeded), ctx.count(ACTIVITY_ACCOUNTS)))
        chosen.sort(key=lambda a: a.id)
        objects = Account.objects.in_bulk([a.id for a in chosen])
        contacts = Contact.objects.in_bulk([c for a in chosen for c in a.contact_ids])
        for acc in chosen:
            account = objects[acc.id]
            owner = by_id.get(acc.owner_id) if acc.owner_id else None
            dated = mine.get(acc.id, [])
            for _n in range(rng.randint(1, 4)):
                contact_id, since = rng.choice(dated)
                span = (now - since).total_seconds()
                services.activity_log(
                    actor=owner or actor,
                    kind=(pick := rng.choice(ACTIVITIES))[0],
                    subject=pick[1],
                    body="",
                    occurred_at=since + timedelta(seconds=span * (0.1 + 0.9 * rng.random())),
                    account=account,
                    contact=contacts[contact_id],
                )
                counts["activities"] += 1
            if owner is not None and rng.random() < 0.12:
                services.task_create(
                    actor=owner,
                    subject=rng.choice(TASKS),
                    due_at=now + timedelta(days=rng.randint(-3, 21)),
                    assignee=owner,
                    account=account,
                    contact=contacts[dated[0][0]],
                )
                counts["tasks"] += 1
    ctx.log(
        "Customers: {accounts} accounts, {contacts} contacts, {activities} activities, "
        "{tasks} open tasks.".format(**counts)
    )

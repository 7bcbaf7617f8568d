"""The demo's lead funnel: its rules, rates and texts, and the clock of one contact's walk.

Used by ``leads.demo``: the fit rules and engagement points the demo sets
up, the rejection reasons, comments and disputes it writes, the sources by
campaign type, the tally it reports, and :class:`Flow`, which moves one
contact's clock forward in office hours (Europe/Berlin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from interlock.customers.models import Contact
from interlock.leads.models import (
    Source,
)

BERLIN = ZoneInfo("Europe/Berlin")
LEADS = 500  # at full size, plus ~120 deal contacts (an MQL costs ~15 service writes)
HISTORY_DAYS = 730

FIT_RULES: list[tuple[str, str, str, str, int]] = [
    # (name, attribute, operator, value, points)
    ("Zielbranche", "industry", "in", "Maschinenbau, Automobilzulieferer", 25),
    ("Nachbarbranche", "industry", "in", "Metallverarbeitung, Elektrotechnik, Verpackung", 10),
    ("Mittelstand", "size", "in", "50-249, 250-999", 15),
    ("Konzern", "size", "equals", "1000+", 10),
    ("Kleinstbetrieb", "size", "equals", "1-9", -15),
    ("DACH", "country", "in", "DE, AT, CH", 15),
    ("Entscheider im Titel", "title", "matches", "Leiter|Head|Geschäftsführer", 15),
    ("Entscheidungsrolle", "buying_role", "in", "decision_maker, economic_buyer", 10),
    ("Umsatz ab 10 Mio. €", "revenue_band", "gte", "10-50m", 5),
    ("Freemail-Adresse", "free_mail", "equals", "true", -20),
]
ENGAGEMENT = {
    "activity:meeting": 20,
    "activity:call": 10,
    "activity:email": 5,
    "campaign:form": 30,
    "campaign:attended": 25,
    "campaign:registered": 15,
    "campaign:responded": 15,
    "campaign:clicked": 8,
    "campaign:opened": 2,
}
# Rejection reasons (the seven seeded by migration 0002) by how often sales uses them.
REASONS = {
    "no-need-now": 30,
    "wrong-persona": 18,
    "wrong-size": 14,
    "contact-data-wrong": 10,
    "existing-customer": 10,
    "wrong-region": 9,
    "competitor": 9,
}
COMMENTS = {
    "no-need-now": ["Investition erst nächstes Jahr geplant.", "Kein Projekt in Sicht."],
    "wrong-persona": ["Ansprechpartner ist Werkstudent.", "Bitte Einkaufsleitung ansprechen."],
    "wrong-size": ["Nur drei Mitarbeiter, kein Bedarf an Sondermaschinen."],
    "contact-data-wrong": ["Telefonnummer falsch, E-Mail kommt zurück."],
    "existing-customer": ["Läuft bereits über Key Account."],
    "wrong-region": ["Sitz in Frankreich, kein Vertrieb dort."],
    "competitor": ["Wettbewerber, informiert sich nur."],
}
DISPUTES = [
    "Hat auf der Messe ein konkretes Projekt genannt, bitte nochmal anrufen.",
    "Drei Webinare besucht und Whitepaper geladen: das ist ein echter Lead.",
    "Firma hat 300 Mitarbeiter laut Handelsregister.",
]
BANT = {
    "budget": ["ca. 250.000 €", "Budget 2026 freigegeben", "120–180 T€", "im Investitionsplan"],
    "authority": ["Geschäftsführer entscheidet", "Einkauf und Technik gemeinsam", "Werkleiter"],
    "need": ["Retrofit Linie 2", "Neue Montagezelle", "Steuerungstausch S5 → S7", "Prüfstand"],
    "timing": ["Q3", "vor Jahresende", "nächstes Frühjahr", "innerhalb 6 Monaten"],
}
SOURCE_OF_TYPE = {
    "trade_fair": Source.EVENT,
    "event": Source.EVENT,
    "webinar": Source.EVENT,
    "paid_ads": Source.WEB_FORM,
    "content": Source.WEB_FORM,
    "email": Source.WEB_FORM,
    "direct_mail": Source.OTHER,
}
OTHER_SOURCES = [
    (Source.OUTBOUND, 4),
    (Source.REFERRAL, 2),
    (Source.WEB_FORM, 2),
    (Source.IMPORT, 1),
    (Source.PARTNER, 1),
]


@dataclass
class Tally:
    leads: int = 0
    mql: int = 0
    handoffs: int = 0
    accepted: int = 0
    rejected: int = 0
    disputed: int = 0
    settled: int = 0
    sql: int = 0
    deals: int = 0
    won: int = 0
    recycled_back: int = 0
    open: int = 0


class Seeder(Protocol):
    """What :class:`Flow` needs of the seeder: its random source."""

    rng: Any


class Flow:
    """One contact's walk through the funnel; ``at`` only moves forward."""

    def __init__(self, seeder: Seeder, contact: Contact, at: datetime, limit: datetime):
        self.s = seeder
        self.contact = contact
        self.at = at
        self.limit = limit  # nothing may happen after this (now, or the contact's first deal)

    def later(self, low_hours: float, high_hours: float, *, office: bool = True) -> bool:
        """Move the clock on; False when the next step would lie beyond the limit."""
        rng = self.s.rng
        moment = self.at + timedelta(hours=rng.uniform(low_hours, high_hours))
        if office:
            moment = office_hours(moment, rng)
        if moment >= self.limit:
            return False
        self.at = moment
        return True

    def answer_delay(self) -> bool:
        """Sales answers within hours mostly, sometimes after a day or more."""
        roll = self.s.rng.random()
        if roll < 0.7:
            low, high = 0.1, 4.0
        elif roll < 0.92:
            low, high = 4.0, 30.0
        else:
            low, high = 30.0, 120.0
        moment = self.at + timedelta(hours=self.s.rng.uniform(low, high))
        moment = (
            office_hours(moment, self.s.rng) if moment.astimezone(BERLIN).hour >= 17 else moment
        )
        if moment >= self.limit:
            return False
        self.at = moment
        return True


def sync_stage(contact: Contact) -> None:
    """The handoff services move a locked copy of the contact: read its stage back."""
    contact.lifecycle_stage = (
        Contact.all_objects.filter(pk=contact.pk).values_list("lifecycle_stage", flat=True).get()
    )


def office_hours(moment: datetime, rng: Any) -> datetime:
    """The moment, or the next working morning when it falls outside office hours."""
    local = moment.astimezone(BERLIN)
    if local.weekday() < 5 and 8 <= local.hour < 17:
        return moment
    day = local.date() + timedelta(days=0 if local.hour < 8 else 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(8, rng.randint(0, 59)), tzinfo=BERLIN)

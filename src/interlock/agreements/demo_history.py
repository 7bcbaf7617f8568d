"""The demo's history the agreement kinds need beyond what the other seeders make.

Written through the owning apps' services with historical moments, each in
time order: handover forms of the deals won under the won-deal agreement,
marketing's answers to the leads sales rejected, and requests from sales to
marketing. Each gets better over the year (a growing share on time), so the
scorecards show a trend; the oldest ones are late or missing whatever the
dice say, so that even a small demo has breaches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from interlock.agreements import scheduling
from interlock.core.demo import DemoContext
from interlock.org.models import Team

HANDOVER_TEXTS = {
    "goals": [
        "Taktzeit der Montagelinie um 15 % senken.",
        "Stillstände der Altanlage beenden, Ersatzteilversorgung sichern.",
        "Neue Baureihe ab Q2 in Serie fertigen.",
    ],
    "stakeholders": [
        "Werkleiter (Entscheider), Instandhaltung (täglicher Kontakt), Einkauf.",
        "Geschäftsführer, Produktionsleiterin, IT für die Anbindung.",
    ],
    "commitments": [
        "Inbetriebnahme binnen 12 Wochen, Schulung von 6 Bedienern vor Ort.",
        "Reaktionszeit Service 24 h, Ersatzteile ab Lager Stuttgart.",
        "Festpreis inkl. Abnahme; Dokumentation auf Deutsch und Englisch.",
    ],
    "risks": [
        "Enger Zeitplan wegen Werksferien im August.",
        "Altsteuerung schlecht dokumentiert.",
        "Kunde hatte Ärger mit dem Wettbewerber, erwartet schnelle Antworten.",
    ],
    "next_steps": [
        "Kick-off vor Ort in zwei Wochen, Abstimmung Lastenheft.",
        "Customer Success ruft den Werkleiter diese Woche an.",
    ],
}
ANSWERS = [
    "Zurück ins Nurturing, neuer Versuch in sechs Monaten.",
    "Kontaktdaten korrigiert; Lead bleibt im Newsletter.",
    "Scoring-Regel angepasst, damit solche Leads nicht mehr MQL werden.",
    "Verstanden; Zielgruppe der Kampagne wird eingeschränkt.",
    "An den Key Account weitergegeben.",
]
REQUESTS = [
    ("Fallstudie Retrofit Linie 2", "Für den Termin bei einem Automobilzulieferer."),
    ("Preisblatt Ersatzteile 2026", "Aktuelle Listenpreise für den Außendienst."),
    ("Referenzliste Automobilzulieferer", "Fünf Referenzen mit Ansprechpartner."),
    ("Präsentation Montagezellen", "Folien für die Hausmesse."),
    ("Wettbewerbsvergleich Steuerungstausch", "Argumente gegen den Wettbewerber."),
    ("Produktdatenblatt Prüfstand", "Auf Englisch für einen Kunden in Österreich."),
    ("Webinar-Aufzeichnung schneiden", "Zehn Minuten für die Nachfassmail."),
    ("Anwenderbericht Service-Vertrag", "Für die Website und den Vertrieb."),
]
DELIVERY_NOTES = ["Liegt im Vertriebsordner.", "Per Mail an das Team verschickt.", ""]


@dataclass
class HistoryTally:
    handovers: int = 0
    handovers_late: int = 0
    handovers_missing: int = 0
    answers: int = 0
    answers_late: int = 0
    requests: int = 0
    requests_late: int = 0
    requests_open: int = 0


def on_time_share(at: datetime, start: datetime, now: datetime) -> float:
    """From about half on time at the start of the agreement to about 95 % now."""
    span = max(1.0, (now - start).total_seconds())
    progress = min(1.0, max(0.0, (at - start).total_seconds() / span))
    return 0.5 + 0.45 * progress


def _business(team: Team, start: datetime, hours: float) -> datetime:
    return scheduling.add_hours(scheduling.spec_for_team(team.pk), start, hours)


class History:
    def __init__(
        self,
        ctx: DemoContext,
        *,
        start: datetime,
        teams: dict[str, Team],
        members: dict[str, list[Any]],
    ) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = ctx.now
        self.start = start
        self.teams = teams
        self.members = members  # function → active members (leads first)
        self.tally = HistoryTally()

    def _delay(self, team: Team, at: datetime, hours: float, index: int) -> tuple[datetime, bool]:
        """When it is done (``hours`` is the limit) and whether that is late."""
        rng = self.rng
        late = index == 0 or rng.random() >= on_time_share(at, self.start, self.now)
        spent = rng.uniform(hours * 1.1, hours * 4) if late else rng.uniform(0.3, hours * 0.9)
        return _business(team, at, spent), late

    # --- won deals: the handover form -------------------------------------------------

    def handovers(self, hours: float) -> None:
        from interlock.sales import services_handover as handover
        from interlock.sales.models import Deal

        rng, t = self.rng, self.tally
        cs = self.teams["customer_success"]
        deals = list(
            Deal.objects.filter(won_at__gte=self.start, won_at__lt=self.now)
            .select_related("owner")
            .order_by("won_at", "pk")
        )
        fallback = self.members["sales"][0]
        for index, deal in enumerate(deals):
            won_at = deal.won_at
            assert won_at is not None  # filtered above
            actor = deal.owner if deal.owner is not None and deal.owner.is_active else fallback
            missing = index == 1 or rng.random() < 0.06 * (
                1.2 - on_time_share(won_at, self.start, self.now)
            )
            texts = {name: rng.choice(options) for name, options in HANDOVER_TEXTS.items()}
            if missing:  # a draft nobody finished: the risks and next steps are missing
                texts.update(risks="", next_steps="")
            handover.handover_save(actor=actor, deal=deal, team=cs, **texts)
            t.handovers += 1
            if missing:
                t.handovers_missing += 1
                continue
            done, late = self._delay(cs, won_at, hours, index)
            if done >= self.now:
                continue  # still being written
            handover.handover_complete(actor=actor, deal=deal, at=done)
            t.handovers_late += late

    # --- rejected leads: marketing's answer -------------------------------------------

    def answers(self, hours: float) -> None:
        from interlock.leads.models import Handoff
        from interlock.leads.services_feedback import handoff_answer_rejection

        rng, t = self.rng, self.tally
        marketing = self.teams["marketing"]
        people = self.members["marketing"]
        rejected = Handoff.objects.filter(
            status=Handoff.Status.REJECTED,
            dispute=Handoff.Dispute.NONE,
            answered_at__isnull=True,
            responded_at__gte=self.start,
        ).order_by("responded_at", "pk")
        for index, handoff in enumerate(rejected):
            rejected_at = handoff.responded_at
            if rejected_at is None or (index > 0 and rng.random() < 0.04):
                continue  # forgotten: stays unanswered (a breach)
            done, late = self._delay(marketing, rejected_at, hours, index)
            if done >= self.now:
                continue
            handoff_answer_rejection(
                actor=rng.choice(people), handoff=handoff, note=rng.choice(ANSWERS), at=done
            )
            t.answers += 1
            t.answers_late += late

    # --- requests: sales asks marketing -----------------------------------------------

    def requests(self, count: int) -> None:
        from interlock.agreements import services_requests as requests

        rng, t = self.rng, self.tally
        sales, marketing = self.teams["sales"], self.teams["marketing"]
        askers, doers = self.members["sales"], self.members["marketing"]
        span = (self.now - self.start).total_seconds()
        moments = sorted(
            self.start + timedelta(seconds=span * (i + rng.random()) / count) for i in range(count)
        )
        for index, asked in enumerate(moments):
            asked = _business(sales, asked, 0.5)
            if asked >= self.now:
                continue
            title, description = REQUESTS[index % len(REQUESTS)]
            wanted = asked + timedelta(days=rng.choice((5, 7, 10, 14)))
            request = requests.request_create(
                actor=rng.choice(askers),
                title=title,
                description=description,
                requesting_team=sales,
                provider_team=marketing,
                assignee=rng.choice(doers),
                due_at=wanted,
                at=asked,
            )
            t.requests += 1
            late = index == 0 or rng.random() >= on_time_share(asked, self.start, self.now)
            window = (wanted - asked).total_seconds()
            offset = rng.uniform(1.05, 2.0) if late else rng.uniform(0.3, 0.95)
            done = asked + timedelta(seconds=window * offset)
            if done >= self.now or (index == count - 2 and count > 3):
                t.requests_open += 1  # still being made (the second to last: forgotten)
                continue
            requests.request_deliver(
                actor=request.assignee, request=request, note=rng.choice(DELIVERY_NOTES), at=done
            )
            t.requests_late += late


def pick(rng: Any, items: Sequence[Any], count: int) -> list[Any]:
    """Up to ``count`` of ``items`` spread over the list (deterministic for the seed)."""
    if len(items) <= count:
        return list(items)
    return sorted(rng.sample(list(items), count), key=list(items).index)

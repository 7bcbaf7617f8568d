"""Demo team agreements: the four usual agreements, in force for a year, measured.

Runs after org, customers, sales, feedback, campaigns and leads (order 700):

* the four templates between the demo's teams (picked by ``Team.function``):
  MQL handoff (marketing → sales), feedback on rejected leads (sales →
  marketing, which also measures sales' requests to marketing by their
  wanted-by date), won-deal handover (sales → customer success) and complaint
  response (sales → customer success, within a working day). Each is
  drafted with the numbers the company actually sees, proposed and signed
  by the two team leads a year ago; the MQL agreement got a version 2 (a
  higher monthly quantity and share accepted) four months ago, so version 1
  is superseded;
* the history the kinds need beyond the other seeders (``demo_history``):
  handover forms, marketing's answers to rejections, requests;
* the engine over that history: a rebuild from the event log, the clock
  ticked day by day through the year (breaches escalate when they happened,
  not all today), the period terms evaluated and the rollups rebuilt;
* about ten breach disputes by the sales team, most settled by both leads
  (waived or upheld), a few still open.

Everyone gets their e-mail as a daily digest (set before the clock runs), so
the escalations of a year do not become hundreds of e-mails.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from interlock.agreements import demo_history
from interlock.agreements.models import Agreement, AgreementVersion, BreachDispute, Obligation
from interlock.core import demo
from interlock.core.context import Source, acting
from interlock.org.models import Membership, Team

# (template, provider function, receiver function)
PLAN = [
    ("mql_handoff", "marketing", "sales"),
    ("rejection_feedback", "sales", "marketing"),
    ("won_deal_handover", "sales", "customer_success"),
    ("complaint_response", "sales", "customer_success"),
]
DISPUTES = 10  # at full size
DISPUTE_REASONS = [
    "Der Lead kam am Freitag um 16:55 Uhr; wir haben am Montag früh geantwortet.",
    "Der Kontakt war doppelt angelegt; der andere Datensatz wurde rechtzeitig bearbeitet.",
    "Systemausfall des Telefonanbieters an diesem Tag, Rückruf war nicht möglich.",
    "Zuständige Kollegin war krank, die Vertretung war nicht eingetragen.",
    "Der Lead hatte keine Telefonnummer; die Antwort per E-Mail ging rechtzeitig raus.",
]
DECISION_NOTES = {
    BreachDispute.Status.WAIVED: "Nachvollziehbar, zählt nicht.",
    BreachDispute.Status.UPHELD: "Die Frist gilt trotzdem; Vertretung künftig eintragen.",
}


def _month_start(day: Any, back: int) -> Any:
    """The first day of the month ``back`` months before ``day``'s month."""
    month = day.year * 12 + day.month - 1 - back
    return day.replace(year=month // 12, month=month % 12 + 1, day=1)


def _morning(day: Any, zone: Any) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


class AgreementSeeder:
    def __init__(self, ctx: demo.DemoContext, teams: dict[str, Team]) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = ctx.now
        self.teams = teams
        self.leads: dict[str, Any] = {}
        self.members: dict[str, list[Any]] = {}
        for function, team in teams.items():
            rows = (
                Membership.objects.filter(team=team, user__is_active=True)
                .select_related("user")
                .order_by("role", "user__username")  # "lead" before "member"
            )
            people = [m.user for m in rows]
            self.leads[function] = next(m.user for m in rows if m.role == Membership.Role.LEAD)
            self.members[function] = people
        zone = timezone.get_current_timezone()
        today = timezone.localdate(self.now)
        self.start = _morning(_month_start(today, 12), zone)  # a year of full months
        self.v2_start = _morning(_month_start(today, 3), zone)
        self.agreements: dict[str, Agreement] = {}
        self.versions = 0

    # --- digests ----------------------------------------------------------------------

    def digests(self) -> None:
        """Everyone reads e-mail as a daily digest (the clock below escalates a year)."""
        from interlock.notify.services import preference_set

        for user in self.ctx.shared.get("org.users", {}).values():
            preference_set(user=user, email="digest", digest_hour=7)

    # --- agreements -------------------------------------------------------------------

    def _sign(self, version: AgreementVersion, key: str, at: datetime) -> None:
        from interlock.agreements import services_signing as signing

        provider, receiver = self._sides(key)
        signing.version_propose(actor=self.leads[provider], version=version, at=at)
        later = at + timedelta(days=self.rng.randint(1, 3), hours=self.rng.randint(1, 5))
        signing.version_sign(actor=self.leads[provider], version=version, side="provider", at=later)
        last = later + timedelta(days=self.rng.randint(1, 4), hours=self.rng.randint(1, 5))
        signing.version_sign(actor=self.leads[receiver], version=version, side="receiver", at=last)
        self.versions += 1

    def _sides(self, key: str) -> tuple[str, str]:
        for template, provider, receiver in PLAN:
            if template == key:
                return provider, receiver
        raise LookupError(key)

    def _fit(self, version: AgreementVersion, key: str) -> None:
        """Set the template's numbers to what the company sees (at this demo's size)."""
        from interlock.agreements import services_agreements as drafting

        actor = self.leads[self._sides(key)[0]]
        for term in version.terms.all():
            if key == "mql_handoff" and term.type == "quantity":
                drafting.term_update(actor=actor, term=term, minimum=self.ctx.count(10))
            elif key == "mql_handoff" and term.type == "quality":
                drafting.term_update(actor=actor, term=term, min_sample=self.ctx.count(8))
        if key == "complaint_response":  # the desk answers within a working day today
            for term in version.terms.filter(type="time"):
                drafting.term_update(actor=actor, term=term, hours=8)
        if key == "rejection_feedback":
            marketing = self.teams["marketing"]
            drafting.term_add(
                actor=actor,
                version=version,
                type="time",
                deliverable="request",
                place=f"team:{marketing.pk}",
                hours=40,
                at_risk_percent=75,
            )

    def agreements_create(self) -> None:
        from interlock.agreements import services_agreements as drafting

        for key, provider, receiver in PLAN:
            agreement = drafting.agreement_from_template(
                actor=self.leads[provider],
                template_key=key,
                provider_team=self.teams[provider],
                receiver_team=self.teams[receiver],
                effective_from=self.start,
            )
            version = agreement.versions.get(number=1)
            self._fit(version, key)
            proposed = self.start - timedelta(days=self.rng.randint(12, 20))
            self._sign(version, key, proposed)
            self.agreements[key] = agreement

    def mql_version_2(self) -> None:
        """Four months ago: more MQLs a month, and a higher share of them accepted."""
        from interlock.agreements import services_agreements as drafting
        from interlock.agreements import services_signing as signing

        agreement = self.agreements["mql_handoff"]
        actor = self.leads["marketing"]
        draft = signing.agreement_new_version(actor=actor, agreement=agreement)
        drafting.version_update(actor=actor, version=draft, effective_from=self.v2_start)
        for term in draft.terms.all():
            if term.type == "quantity":
                drafting.term_update(actor=actor, term=term, minimum=self.ctx.count(13))
            elif term.type == "quality":
                drafting.term_update(actor=actor, term=term, target_percent=65)
        self._sign(draft, "mql_handoff", self.v2_start - timedelta(days=self.rng.randint(8, 12)))

    def hours(self, key: str, kind: str) -> float:
        version = self.agreements[key].versions.get(number=1)
        term = version.terms.get(type="time", deliverable=kind)
        return float(term.hours or 8)

    # --- the engine -------------------------------------------------------------------

    def project(self) -> dict[str, int]:
        """Rebuild from the log, then run the clock through the year day by day."""
        from interlock.agreements import clock, engine, rebuild
        from interlock.core.models import Event, EventDelivery

        last = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        counts = rebuild.rebuild(now=self.start)
        # The rebuild read every event the engine waits for: nothing left to deliver.
        EventDelivery.objects.filter(
            subscriber=engine.SUBSCRIBER,
            status=EventDelivery.Status.PENDING,
            event_id__lte=last,
        ).update(status=EventDelivery.Status.DONE, delivered_at=timezone.now(), attempts=1)
        ticks: Counter[str] = Counter()
        moment = self.start.replace(hour=18)
        while moment < self.now:
            ticks.update(clock.tick(now=moment))
            moment += timedelta(days=1)
        ticks.update(clock.tick(now=self.now))
        counts.update({f"tick_{k}": v for k, v in ticks.items()})
        return counts

    # --- disputes ---------------------------------------------------------------------

    def disputes(self) -> tuple[int, int]:
        """About ten breaches disputed by the receiving side; most settled, some open."""
        from interlock.agreements import services_disputes as disputes

        rng = self.rng
        wanted = max(4, self.ctx.count(DISPUTES))
        late = Obligation.objects.filter(
            status__in=disputes.DISPUTABLE, breached_at__lt=self.now - timedelta(days=10)
        ).select_related("agreement")
        mql = self.agreements["mql_handoff"]
        found = list(late.filter(agreement=mql).order_by("breached_at", "pk"))
        if len(found) < wanted:  # a small demo: other agreements' breaches too
            others = late.exclude(agreement=mql).order_by("breached_at", "pk")
            found += list(others[: wanted - len(found)])
        chosen = demo_history.pick(rng, found, wanted)
        receivers = {team.pk: function for function, team in self.teams.items()}
        opened = settled = 0
        for index, obligation in enumerate(chosen):
            function = receivers.get(obligation.agreement.receiver_team_id, "sales")
            noticed = max(obligation.breached_at, obligation.fulfilled_at or self.start)
            raised_at = noticed + timedelta(days=rng.randint(1, 6), hours=rng.randint(1, 5))
            raiser = rng.choice(self.members[function][1:] or self.members[function])
            dispute = disputes.breach_dispute_raise(
                actor=raiser,
                obligation=obligation,
                reason=rng.choice(DISPUTE_REASONS),
                at=min(raised_at, self.now - timedelta(hours=2)),
            )
            opened += 1
            left_open = index >= len(chosen) - max(1, len(chosen) // 4)
            if left_open and index % 2:
                continue  # nobody has decided yet
            decision = (
                BreachDispute.Status.WAIVED
                if index == 0 or (index > 1 and rng.random() < 0.5)
                else BreachDispute.Status.UPHELD
            )
            provider, receiver = self._parties(obligation.agreement)
            at = dispute.raised_at + timedelta(days=rng.randint(2, 8))
            other = decision
            if left_open:  # the sides disagree: it goes on the joint meeting's agenda
                other = (
                    BreachDispute.Status.UPHELD
                    if decision == BreachDispute.Status.WAIVED
                    else BreachDispute.Status.WAIVED
                )
            for lead, choice in ((receiver, decision), (provider, other)):
                disputes.breach_dispute_decide(
                    actor=lead,
                    dispute=dispute,
                    decision=choice,
                    note=DECISION_NOTES[choice],
                    at=min(at, self.now - timedelta(minutes=30)),
                )
                at += timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6))
            settled += not left_open
        return opened, settled

    def _parties(self, agreement: Agreement) -> tuple[Any, Any]:
        by_team = {team.pk: function for function, team in self.teams.items()}
        return (
            self.leads[by_team[agreement.provider_team_id]],
            self.leads[by_team[agreement.receiver_team_id]],
        )


def _teams(ctx: demo.DemoContext) -> dict[str, Team]:
    """One team per function the plan needs (the first of each in the org demo's order)."""
    teams: dict[str, Team] = {}
    known = list(ctx.shared.get("org.teams", {}).values()) or list(Team.objects.order_by("pk"))
    for team in known:
        teams.setdefault(str(team.function), team)
    return teams


def seed_agreements(ctx: demo.DemoContext) -> None:
    from interlock.agreements import periods, rollups

    if ctx.actor is None or Agreement.objects.exists():
        return
    teams = _teams(ctx)
    needed = {"marketing", "sales", "customer_success"}
    has_leads = all(
        Membership.objects.filter(team=teams[f], role=Membership.Role.LEAD).exists()
        for f in needed
        if f in teams
    )
    if not needed <= set(teams) or not has_leads:
        ctx.log("Agreements: marketing, sales or customer success team missing, skipped.")
        return
    seeder = AgreementSeeder(ctx, {f: teams[f] for f in needed})
    history = demo_history.History(
        ctx, start=seeder.start, teams=seeder.teams, members=seeder.members
    )
    with acting(ctx.actor, Source.SYSTEM):
        seeder.digests()
        seeder.agreements_create()
        seeder.mql_version_2()
        history.handovers(seeder.hours("won_deal_handover", "deal.handover"))
        history.answers(seeder.hours("rejection_feedback", "lead.rejection_feedback"))
        history.requests(ctx.count(24))
        seeder.project()
        opened, settled = seeder.disputes()
        periods.evaluate(now=ctx.now)
        rollups.rebuild()
    obligations = Obligation.objects.count()
    breaches = Obligation.objects.filter(breached_at__isnull=False).count()
    t = history.tally
    ctx.shared["agreements.tally"] = t
    ctx.log(
        f"Agreements: {len(seeder.agreements)} agreements ({seeder.versions} versions), "
        f"{obligations} obligations, {breaches} breaches, {opened} disputes "
        f"({settled} settled), {t.requests} requests ({t.requests_open} open), "
        f"{t.handovers} handovers ({t.handovers_late} late, {t.handovers_missing} never "
        f"completed), {t.answers} answers to rejections ({t.answers_late} late)."
    )


def register() -> None:
    demo.register("agreements", seed_agreements, order=700)

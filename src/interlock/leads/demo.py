"""Demo lead management: scoring and routing set up, two years of leads through the funnel.

Runs after customers, sales, feedback and campaigns (order 500), through the
services of lead management with historical moments (``at``), each contact's
steps in time order:

* the scoring rules (fit: target industries, company size, DACH, titles with
  "Leiter|Head|Geschäftsführer", free mail minus; engagement per activity and
  campaign response) and the routing (Bavaria and Austria to Sales Munich,
  the rest of DACH to Sales, default queue Sales);
* about 600 leads (scaled by the demo's size): a campaign response or an
  outbound contact makes the lead, about half become MQL and are handed
  over; sales answers within a few business hours mostly (some after days),
  accepts about 70 % (SAL), rejects the rest with each reason; marketing
  disputes some rejections and sales settles them both ways; recycled leads
  come back later; SAL → SQL (BANT) about half, SQL → deal about 60 %, a
  quarter of those won (customer). Recent leads are still open.
* contacts of the sales demo's deals get a lead history before their first
  deal and end as opportunity or customer with it.

Ends with a full re-score as of now and a refresh of the report rollups.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from interlock.core import demo
from interlock.core.context import Source as ActingSource
from interlock.core.context import acting
from interlock.customers.models import Contact
from interlock.leads import services_lifecycle as lifecycle
from interlock.leads.demo_parts import (
    BANT,
    COMMENTS,
    DISPUTES,
    ENGAGEMENT,
    FIT_RULES,
    HISTORY_DAYS,
    LEADS,
    OTHER_SOURCES,
    REASONS,
    SOURCE_OF_TYPE,
    Flow,
    Tally,
    office_hours,
    sync_stage,
)
from interlock.leads.demo_scoring import scoring_account_events, scoring_contact_events
from interlock.leads.models import (
    Handoff,
    LeadProfile,
    RejectionReason,
    RescoreJob,
    RoutingRule,
    Source,
    Stage,
)


class LeadSeeder:
    def __init__(self, ctx: demo.DemoContext):
        self.ctx = ctx
        self.rng = ctx.rng
        self.now = ctx.now
        self.admin = ctx.actor
        users = ctx.shared.get("org.users", {})
        self.users = users
        self.marketers = [users[n] for n in ("j.wagner", "l.becker", "a.schulz") if n in users]
        self.settlers = [users[n] for n in ("f.mueller", "a.huber", "m.kessler") if n in users]
        self.tally = Tally()
        self.reasons: Counter[str] = Counter()
        self.campaign_types: dict[int, str] = {}
        self.pipeline: Any = None
        self.lost_reasons: list[Any] = []
        self.deals_allowed = True

    # --- configuration ------------------------------------------------------------------

    def configure(self) -> None:
        from interlock.leads import services_routing as routing
        from interlock.leads import services_scoring as scoring

        admin = self.admin
        for name, field, operator, value, points in FIT_RULES:
            scoring.fit_rule_create(
                actor=admin, name=name, field=field, operator=operator, value=value, points=points
            )
        for trigger, points in ENGAGEMENT.items():
            scoring.engagement_rule_set(actor=admin, trigger=trigger, points=points)
        teams = self.ctx.shared.get("org.teams", {})
        sales, munich = teams.get("sales"), teams.get("sales-munich")
        if sales is None or munich is None:
            return
        routing.routing_rule_create(
            actor=admin,
            name="Bayern und Österreich → München",
            team=munich,
            conditions={"countries": ["DE"], "states": ["BY"]},
        )
        routing.routing_rule_create(
            actor=admin, name="Österreich → München", team=munich, conditions={"countries": ["AT"]}
        )
        routing.routing_rule_create(
            actor=admin,
            name="Übriges DACH → Vertrieb Stuttgart",
            team=sales,
            conditions={"countries": ["DE", "CH"]},
        )
        routing.lead_settings_update(actor=admin, default_team=sales)
        assert RoutingRule.objects.count() >= 3

    # --- steps --------------------------------------------------------------------------

    def _set_source(self, contact: Contact, source: str, campaign_id: int | None) -> None:
        # No service sets a lead's first source outside capture: written once, before
        # the first move, exactly as lead_capture does on a new profile.
        profile = lifecycle.lead_profile(contact)
        LeadProfile.objects.filter(pk=profile.pk).update(
            source=source, source_campaign_id=campaign_id
        )

    def _responder(self, handoff: Handoff) -> Any:
        assignee = handoff.assignee
        if assignee is not None and assignee.is_active:
            return assignee
        from interlock.org.models import Membership

        ids = list(
            Membership.objects.filter(team_id=handoff.team_id).values_list("user_id", flat=True)
        )
        pool = [u for u in self.users.values() if u.pk in ids] or [self.admin]
        return self.rng.choice(pool)

    def _handoff_round(self, flow: Flow, handoff: Handoff | None) -> str:
        """Answer a handoff; returns the contact's stage afterwards ("" when left open)."""
        rng, t = self.rng, self.tally
        if handoff is None:
            return ""
        t.handoffs += 1
        fresh = self.now - flow.at < timedelta(days=3) and rng.random() < 0.6
        if fresh or not flow.answer_delay():
            t.open += 1
            return ""
        rep = self._responder(handoff)
        if rng.random() < 0.7:
            lifecycle.handoff_accept(actor=rep, handoff=handoff, at=flow.at)
            sync_stage(flow.contact)
            t.accepted += 1
            return self._after_sal(flow, rep)
        code = rng.choices(list(REASONS), list(REASONS.values()))[0]
        handoff = lifecycle.handoff_reject(
            actor=rep,
            handoff=handoff,
            reason_code=code,
            comment=rng.choice(COMMENTS[code]) if rng.random() < 0.7 else "",
            at=flow.at,
        )
        sync_stage(flow.contact)
        t.rejected += 1
        self.reasons[code] += 1
        # A few disputes; the first ones come whatever the dice say, so that even a
        # small demo shows a dispute settled each way.
        if (rng.random() < 0.14 or t.disputed < 3) and flow.later(4, 60):
            lifecycle.handoff_dispute(
                actor=rng.choice(self.marketers),
                handoff=handoff,
                comment=rng.choice(DISPUTES),
                at=flow.at,
            )
            t.disputed += 1
            if (rng.random() < 0.85 or t.settled < 2) and flow.later(8, 96):
                overturn = rng.random() < 0.45 if t.settled >= 2 else t.settled == 0
                lifecycle.handoff_settle(
                    actor=rng.choice(self.settlers),
                    handoff=handoff,
                    overturn=overturn,
                    note="Nochmal ansehen." if overturn else "Ablehnung bleibt bestehen.",
                    at=flow.at,
                )
                sync_stage(flow.contact)
                t.settled += 1
                if overturn:
                    again = (
                        Handoff.objects.filter(contact_id=flow.contact.pk, status="open")
                        .select_related("assignee", "contact")
                        .first()
                    )
                    return self._handoff_round(flow, again)
        stage = flow.contact.lifecycle_stage
        if stage == Stage.RECYCLED and rng.random() < 0.4 and flow.later(24 * 30, 24 * 200):
            return self._come_back(flow)
        return stage

    def _come_back(self, flow: Flow) -> str:
        """A recycled lead shows interest again: lead, later MQL and a new handoff."""
        lifecycle.lifecycle_change(
            actor=self.rng.choice(self.marketers),
            contact=flow.contact,
            to_stage=Stage.LEAD,
            reason="Erneutes Interesse",
            at=flow.at,
        )
        self.tally.recycled_back += 1
        if not flow.later(24, 24 * 40):
            return Stage.LEAD
        return self._to_mql(flow)

    def _to_mql(self, flow: Flow) -> str:
        handoff = lifecycle.promote_to_mql(
            contact=flow.contact, reason="Fit und Engagement erreicht", at=flow.at
        )
        if handoff is None:
            return flow.contact.lifecycle_stage
        self.tally.mql += 1
        handoff = Handoff.objects.select_related("assignee", "contact").get(pk=handoff.pk)
        return self._handoff_round(flow, handoff) or Stage.MQL

    def _after_sal(self, flow: Flow, rep: Any) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5 and flow.later(24 * 2, 24 * 21):
            lifecycle.lead_qualify(
                actor=rep,
                contact=flow.contact,
                budget=rng.choice(BANT["budget"]),
                authority=rng.choice(BANT["authority"]),
                need=rng.choice(BANT["need"]),
                timing=rng.choice(BANT["timing"]),
                at=flow.at,
            )
            self.tally.sql += 1
            if rng.random() < 0.6 and flow.later(24, 24 * 14):
                return self._deal(flow, rep)
            return Stage.SQL
        if roll < 0.75 and flow.later(24 * 5, 24 * 40):
            lifecycle.lifecycle_change(
                actor=rep,
                contact=flow.contact,
                to_stage=Stage.RECYCLED,
                reason="Kein Projekt in den nächsten 12 Monaten.",
                at=flow.at,
            )
            return Stage.RECYCLED
        return Stage.SAL

    def _deal(self, flow: Flow, rep: Any) -> str:
        from interlock.sales import services as sales

        contact = flow.contact
        account = contact.account
        if not self.deals_allowed or self.pipeline is None or account is None:
            return contact.lifecycle_stage
        amount = Decimal(self.rng.choice((18, 35, 60, 120, 240, 480))) * 1000
        deal = sales.deal_create(
            actor=self.admin,
            title=f"Projekt {account.name}"[:200],
            account=account,
            contact=contact,
            owner=rep,
            pipeline=self.pipeline,
            amount=amount,
            expected_close_date=(flow.at + timedelta(days=60)).date(),
            at=flow.at,
        )
        self.tally.deals += 1
        # The deal makes an opportunity (what the deal.created subscriber would do after
        # the seed; done here so this contact's history stays in time order).
        lifecycle.lifecycle_change(
            actor=None, contact=contact, to_stage=Stage.OPPORTUNITY, rule="deal.created", at=flow.at
        )
        if not flow.later(24 * 20, 24 * 120):
            return Stage.OPPORTUNITY
        if self.rng.random() < 0.25:
            sales.deal_win(actor=self.admin, deal=deal, at=flow.at)
            lifecycle.lifecycle_change(
                actor=None, contact=contact, to_stage=Stage.CUSTOMER, rule="deal.won", at=flow.at
            )
            self.tally.won += 1
            return Stage.CUSTOMER
        if self.lost_reasons and self.rng.random() < 0.8:
            reason = self.rng.choice(self.lost_reasons)
            sales.deal_lose(actor=self.admin, deal=deal, reason=reason, at=flow.at)
            # The contact stays an opportunity: lifecycle management has no rule for a
            # lost deal, and a recycled contact would be moved back to opportunity at the
            # deal's (earlier) creation when the seed delivers deal.created.
        return Stage.OPPORTUNITY

    # --- one lead ---------------------------------------------------------------------

    def walk(
        self,
        contact: Contact,
        start: datetime,
        source: str,
        campaign_id: int | None,
        limit: datetime,
        mql_rate: float,
        *,
        sourced: bool = False,
    ) -> str:
        rng = self.rng
        if contact.lifecycle_stage:
            return contact.lifecycle_stage
        flow = Flow(self, contact, start, limit)
        if not sourced:
            self._set_source(contact, source, campaign_id)
        if source in (Source.WEB_FORM, Source.EVENT) or rng.random() < 0.5:
            lifecycle.lifecycle_change(
                actor=None, contact=contact, to_stage=Stage.LEAD, rule="capture", at=flow.at
            )
        else:
            lifecycle.lifecycle_change(
                actor=rng.choice(self.marketers), contact=contact, to_stage=Stage.LEAD, at=flow.at
            )
        self.tally.leads += 1
        if rng.random() >= mql_rate or not flow.later(2, 24 * 45):
            if rng.random() < 0.08 and flow.later(24 * 20, 24 * 120):
                lifecycle.lifecycle_change(
                    actor=rng.choice(self.marketers),
                    contact=contact,
                    to_stage=Stage.DISQUALIFIED,
                    reason="Kein Zielkunde (Student, Privatperson).",
                    at=flow.at,
                )
            return contact.lifecycle_stage
        return self._to_mql(flow)

    def existing_deal(self, contact: Contact, deal: Any, won_at: datetime | None) -> None:
        """A sales demo deal's contact: a lead history before the deal, then its outcome.

        Moved here (rules ``deal.created`` / ``deal.won``) rather than by the deal
        subscribers after the seed, so that the contact's history stays in time order.
        """
        from interlock.leads.lifecycle import allowed

        created = deal.created_at
        start = office_hours(max(contact.created_at, created - timedelta(days=150)), self.rng)
        if created - start < timedelta(days=10) or contact.lifecycle_stage:
            return
        self.deals_allowed = False
        try:
            self.walk(contact, start, Source.OUTBOUND, None, created - timedelta(hours=1), 0.85)
        finally:
            self.deals_allowed = True
        waiting = Handoff.objects.filter(contact_id=contact.pk, status="open").first()
        if waiting is not None:  # sales took it when the deal came up
            lifecycle.handoff_accept(
                actor=self._responder(waiting), handoff=waiting, at=created - timedelta(minutes=30)
            )
            sync_stage(contact)
        steps = [(Stage.OPPORTUNITY, created, "deal.created")]
        if won_at is not None:
            steps.append((Stage.CUSTOMER, won_at, "deal.won"))
        for stage, at, rule in steps:
            if contact.lifecycle_stage == stage:
                continue
            if not allowed(contact.lifecycle_stage, stage):
                break
            lifecycle.lifecycle_change(
                actor=None, contact=contact, to_stage=stage, rule=rule, at=at
            )

    # --- the whole flow -----------------------------------------------------------------

    def run(self) -> None:
        from interlock.sales.models import Deal, LostReason, Pipeline

        ctx, rng, now = self.ctx, self.rng, self.now
        self.pipeline = Pipeline.objects.filter(is_default=True).first()
        self.lost_reasons = list(LostReason.objects.filter(active=True).order_by("pk"))
        from interlock.campaigns.models import Campaign

        self.campaign_types = dict(Campaign.all_objects.values_list("pk", "type"))
        responses: dict[int, list[tuple[datetime, int, str]]] = ctx.shared.get(
            "campaigns.responses", {}
        )
        # Contacts of the sales demo's deals: their first deal bounds their lead history.
        first_deal: dict[int, Any] = {}
        won_at: dict[int, datetime] = {}
        for deal in Deal.objects.exclude(contact=None).order_by("created_at", "pk"):
            contact_id = int(deal.contact_id or 0)
            first_deal.setdefault(contact_id, deal)
            if deal.won_at is not None and contact_id not in won_at:
                won_at[contact_id] = deal.won_at
        wanted = ctx.count(LEADS)
        limit = now - timedelta(hours=1)
        start_of_history = now - timedelta(days=HISTORY_DAYS)
        # Responders first (a campaign made them a lead), then other contacts.
        responders = sorted(pk for pk in responses if pk not in first_deal)
        rng.shuffle(responders)
        take = responders[: int(wanted * 0.6)]
        others = list(
            Contact.objects.exclude(pk__in=[*take, *first_deal])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        take += rng.sample(others, min(len(others), max(0, wanted - len(take))))
        deal_contacts = sorted(first_deal)
        rng.shuffle(deal_contacts)
        deal_contacts = deal_contacts[: max(1, len(deal_contacts) // 2)]
        contacts = Contact.objects.select_related("account").in_bulk([*take, *deal_contacts])
        plans: list[tuple[Contact, datetime, str, int | None, float]] = []
        for pk in sorted(take):
            contact = contacts[pk]
            touches = responses.get(pk)
            if touches:
                at, campaign_id, _kind = touches[0]
                source = SOURCE_OF_TYPE.get(self.campaign_types.get(campaign_id, ""), Source.OTHER)
                mql_rate = 0.6
            else:
                begin = max(contact.created_at, start_of_history)
                if rng.random() < 0.1:  # some fresh ones, so the queues are not empty
                    begin = max(begin, limit - timedelta(days=10))
                span = max(3600.0, (limit - begin).total_seconds())
                at = office_hours(begin + timedelta(seconds=span * rng.random()), rng)
                source = rng.choices(
                    [s for s, _w in OTHER_SOURCES], [w for _s, w in OTHER_SOURCES]
                )[0]
                campaign_id = None
                mql_rate = 0.45
            if at >= limit or at < contact.created_at:
                continue
            plans.append((contact, at, source, campaign_id, mql_rate))
        # The first source of each lead, written at once before the walks (the
        # transitions copy it); no service sets it outside capture.
        LeadProfile.objects.bulk_create(
            [
                LeadProfile(contact_id=c.pk, source=source, source_campaign_id=campaign_id)
                for c, _at, source, campaign_id, _rate in plans
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        for contact, at, first_source, campaign_id, mql_rate in plans:
            self.walk(contact, at, first_source, campaign_id, limit, mql_rate, sourced=True)
        for pk in sorted(deal_contacts):
            self.existing_deal(contacts[pk], first_deal[pk], won_at.get(pk))

    def rescore(self) -> int:
        """Score everyone as of now with the queued job (so the worker finds nothing to do).

        Only on PostgreSQL: on SQLite ``scoring_bulk.rescore_all`` cannot run inside
        the seed's transaction (its PRAGMA temp_store change is refused there), so
        the queued job stays for the worker, which runs it right after the seed.
        """
        from django.db import connection

        from interlock.leads.scoring_bulk import rescore_all

        job = RescoreJob.objects.filter(status=RescoreJob.Status.QUEUED).order_by("-pk").first()
        if job is None or connection.vendor != "postgresql":
            return 0
        return rescore_all(job_id=job.pk, at=self.now).promoted


def seed_leads(ctx: demo.DemoContext) -> None:
    if ctx.actor is None or RoutingRule.objects.exists():
        return
    if not RejectionReason.objects.exists():
        ctx.log("Leads: no rejection reasons (migration 0002 missing), skipped.")
        return
    seeder = LeadSeeder(ctx)
    with acting(ctx.actor, ActingSource.SYSTEM):
        seeder.configure()
        seeder.run()
        promoted = seeder.rescore()
    try:
        from interlock.leads import rollups

        rollups.refresh()
    except (ImportError, ValidationError):  # pragma: no cover - reports not installed
        pass
    t = seeder.tally
    ctx.shared["leads.tally"] = t
    ctx.log(
        f"Leads: {t.leads} leads, {t.mql} MQL, {t.handoffs} handoffs ({t.accepted} accepted, "
        f"{t.rejected} rejected, {t.disputed} disputed, {t.open} open), {t.sql} SQL, "
        f"{t.deals} deals ({t.won} won), {t.recycled_back} recycled came back, "
        f"{promoted} promoted by the final re-score."
    )


def register() -> None:
    demo.register("leads", seed_leads, order=500)
    demo.register_bulk_projection("leads.scoring.contact", scoring_contact_events)
    demo.register_bulk_projection("leads.scoring.account", scoring_account_events)

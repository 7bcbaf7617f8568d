"""Demo campaigns of the demo company (after customers and sales, before leads: order 450).

About twenty campaigns over two years through :mod:`interlock.campaigns.services`:
trade fairs (SPS Nürnberg, Hannover Messe, LogiMAT, AMB), webinars,
newsletters, paid ads, direct mail and a whitepaper, with German names,
budgets, one to four cost lines, UTM tags, members from the demo contacts and
responses at their historical moments (a booth visit during the fair, a
registration before the webinar, a click after the newsletter). Past
campaigns are completed, the current ones active, the next fair planned.

Hands on ``ctx.shared["campaigns.responses"]`` (contact id → list of
``(moment, campaign id, kind)`` in time order) so the leads seeder can let the
first response make the lead and name its campaign. Deterministic for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from interlock.campaigns import services
from interlock.campaigns.models import Campaign, CampaignResponse
from interlock.core import demo
from interlock.core.context import Source, acting
from interlock.customers.models import Contact

BERLIN = ZoneInfo("Europe/Berlin")
# The responses in SPECS, scaled down to keep ``interlock demo`` quick (each is a service call).
RESPONSE_SHARE = 0.5
Kind = CampaignResponse.Kind
Type = Campaign.Type


@dataclass(frozen=True)
class Spec:
    """One campaign: when (days before today), how long, what it cost, who answered how."""

    name: str
    type: str
    days_ago: int  # start, before today (negative: still to come)
    days: int  # duration
    budget: int
    costs: tuple[tuple[str, int], ...]
    utm: tuple[str, str]  # (source, medium); utm_campaign is derived from the name
    targeted: int  # members added up front (a mailing list), at full size
    responses: int  # responses at full size
    kinds: tuple[tuple[str, int], ...]  # response kinds with weights
    description: str = ""


FAIR_KINDS = ((Kind.ATTENDED, 6), (Kind.FORM, 3), (Kind.RESPONDED, 1))
WEBINAR_KINDS = ((Kind.REGISTERED, 5), (Kind.ATTENDED, 4))
MAIL_KINDS = ((Kind.OPENED, 5), (Kind.CLICKED, 3), (Kind.FORM, 1))
FORM_KINDS = ((Kind.FORM, 5), (Kind.CLICKED, 2))
POST_KINDS = ((Kind.RESPONDED, 4), (Kind.FORM, 1))

FAIR_COSTS = (("Standmiete", 0.45), ("Standbau und Logistik", 0.3), ("Reisekosten Team", 0.12))

SPECS: list[Spec] = [
    Spec("Hannover Messe {year}", Type.TRADE_FAIR, 700, 5, 60000,
         (("Standmiete", 26000), ("Standbau und Logistik", 19000), ("Reisekosten Team", 6400),
          ("Bewirtung am Stand", 3100)),
         ("messe", "event"), 0, 150, FAIR_KINDS,
         "Stand in Halle 17: Sondermaschinen und Retrofit."),
    Spec("Webinar: Retrofit statt Neukauf", Type.WEBINAR, 655, 1, 2500,
         (("Webinar-Plattform", 900), ("Einladungsmailing", 650)),
         ("webinar", "email"), 0, 90, WEBINAR_KINDS),
    Spec("Newsletter Sommer {year}", Type.EMAIL, 610, 14, 1200,
         (("Versanddienstleister", 480),), ("newsletter", "email"), 1200, 140, MAIL_KINDS),
    Spec("LogiMAT Stuttgart {year}", Type.TRADE_FAIR, 575, 3, 38000,
         (("Standmiete", 16500), ("Standbau und Logistik", 12800), ("Reisekosten Team", 2100)),
         ("messe", "event"), 0, 90, FAIR_KINDS, "Intralogistik: Zuführ- und Handlingsysteme."),
    Spec("Google Ads Sondermaschinenbau", Type.PAID_ADS, 540, 90, 9000,
         (("Google Ads Rechnung Q1", 2900), ("Google Ads Rechnung Q2", 3150),
          ("Landingpage Agentur", 1800)),
         ("google", "cpc"), 0, 70, FORM_KINDS),
    Spec("AMB Stuttgart {year}", Type.TRADE_FAIR, 480, 5, 42000,
         (("Standmiete", 18000), ("Standbau und Logistik", 14500), ("Bewirtung am Stand", 2600)),
         ("messe", "event"), 0, 110, FAIR_KINDS),
    Spec("Mailing Ersatzteilkatalog {year}", Type.DIRECT_MAIL, 440, 21, 7500,
         (("Druck Katalog", 3900), ("Porto", 2700)), ("mailing", "print"), 600, 60, POST_KINDS),
    Spec("SPS Nürnberg {year}", Type.TRADE_FAIR, 410, 3, 55000,
         (("Standmiete", 23000), ("Standbau und Logistik", 17500), ("Reisekosten Team", 5200),
          ("Bewirtung am Stand", 2800)),
         ("messe", "event"), 0, 160, FAIR_KINDS, "Automatisierung: Steuerungs-Retrofit live."),
    Spec("Mailing Weihnachten {year}", Type.DIRECT_MAIL, 380, 10, 4200,
         (("Karten und Druck", 1900), ("Porto", 1500)), ("mailing", "print"), 700, 40, POST_KINDS),
    Spec("Webinar: Predictive Maintenance mit OPC UA", Type.WEBINAR, 330, 1, 3000,
         (("Webinar-Plattform", 900), ("Referent", 1200)), ("webinar", "email"), 0, 110,
         WEBINAR_KINDS),
    Spec("Hannover Messe {year}", Type.TRADE_FAIR, 335, 5, 65000,
         (("Standmiete", 27500), ("Standbau und Logistik", 20500), ("Reisekosten Team", 6900),
          ("Bewirtung am Stand", 3300)),
         ("messe", "event"), 0, 170, FAIR_KINDS,
         "Stand in Halle 17: Sondermaschinen und Retrofit."),
    Spec("Newsletter Frühjahr {year}", Type.EMAIL, 300, 14, 1200,
         (("Versanddienstleister", 520),), ("newsletter", "email"), 1500, 160, MAIL_KINDS),
    Spec("Whitepaper Industrie 4.0 im Mittelstand", Type.CONTENT, 270, 120, 6000,
         (("Texterstellung Agentur", 3400), ("Grafik und Layout", 1300)),
         ("website", "content"), 0, 120, ((Kind.FORM, 1),)),
    Spec("LinkedIn Ads Retrofit", Type.PAID_ADS, 230, 60, 8000,
         (("LinkedIn Rechnung", 3900), ("LinkedIn Rechnung", 3300)), ("linkedin", "paid_social"),
         0, 70, FORM_KINDS),
    Spec("LogiMAT Stuttgart {year}", Type.TRADE_FAIR, 210, 3, 40000,
         (("Standmiete", 17000), ("Standbau und Logistik", 13200), ("Reisekosten Team", 2300)),
         ("messe", "event"), 0, 100, FAIR_KINDS, "Intralogistik: Zuführ- und Handlingsysteme."),
    Spec("Webinar: Energieeffizienz in der Fertigung", Type.WEBINAR, 150, 1, 2800,
         (("Webinar-Plattform", 900), ("Einladungsmailing", 700)), ("webinar", "email"), 0, 100,
         WEBINAR_KINDS),
    Spec("Newsletter Herbst {year}", Type.EMAIL, 95, 14, 1300,
         (("Versanddienstleister", 540),), ("newsletter", "email"), 1600, 170, MAIL_KINDS),
    Spec("SPS Nürnberg {year}", Type.TRADE_FAIR, 45, 3, 58000,
         (("Standmiete", 24000), ("Standbau und Logistik", 18500), ("Reisekosten Team", 5600),
          ("Bewirtung am Stand", 3000)),
         ("messe", "event"), 0, 170, FAIR_KINDS, "Automatisierung: Steuerungs-Retrofit live."),
    Spec("Google Ads Retrofit Steuerungen", Type.PAID_ADS, 40, 60, 7000,
         (("Google Ads Rechnung", 2400),), ("google", "cpc"), 0, 60, FORM_KINDS),
    Spec("Webinar: Ersatzteilversorgung sichern", Type.WEBINAR, 12, 1, 2200,
         (("Webinar-Plattform", 900),), ("webinar", "email"), 0, 50, WEBINAR_KINDS),
    Spec("Hannover Messe {year}", Type.TRADE_FAIR, -40, 5, 68000,
         (("Standmiete (Anzahlung)", 14000),), ("messe", "event"), 0, 0, FAIR_KINDS,
         "Stand in Halle 17: Sondermaschinen und Retrofit."),
]  # fmt: skip


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"))[:90]


def _moment(rng: Any, day: date, first_hour: int = 8, last_hour: int = 17) -> datetime:
    clock = time(rng.randint(first_hour, last_hour - 1), rng.randint(0, 59))
    return datetime.combine(day, clock, tzinfo=BERLIN)


def _response_moment(rng: Any, spec: Spec, starts: date, kind: str) -> datetime:
    """When a kind of response to a campaign of this type happens."""
    if spec.type == Type.TRADE_FAIR:
        return _moment(rng, starts + timedelta(days=rng.randrange(max(1, spec.days))), 9, 18)
    if spec.type == Type.WEBINAR:
        if kind == Kind.REGISTERED:
            return _moment(rng, starts - timedelta(days=rng.randint(1, 20)), 7, 20)
        return datetime.combine(starts, time(10, rng.randint(0, 5)), tzinfo=BERLIN)
    # Mailings, ads and content: most answers early, some weeks later.
    offset = int(spec.days * rng.random() ** 2) + (rng.randint(0, 10) if rng.random() < 0.2 else 0)
    return _moment(rng, starts + timedelta(days=offset), 7, 21)


def seed_campaigns(ctx: demo.DemoContext) -> None:
    actor = ctx.actor
    if actor is None or Campaign.all_objects.exists():
        return
    rng = ctx.rng
    now = ctx.now
    teams = ctx.shared.get("org.teams", {})
    users = ctx.shared.get("org.users", {})
    marketing = teams.get("marketing")
    owners = [users[n] for n in ("j.wagner", "l.becker", "a.schulz", "t.richter") if n in users]
    # Every live contact with the moment it was added: members come from those known by then.
    people = list(Contact.objects.order_by("pk").values_list("pk", "created_at"))
    if not people:
        return
    responses: dict[int, list[tuple[datetime, int, str]]] = {}
    made = costs = total = 0
    with acting(actor, Source.SYSTEM):
        for spec in SPECS:
            starts = ctx.today - timedelta(days=spec.days_ago)
            ends = starts + timedelta(days=spec.days - 1)
            created = _moment(rng, starts - timedelta(days=rng.randint(30, 75)))
            if created >= now:
                created = now - timedelta(days=1)
            if spec.days_ago < 0:
                status = Campaign.Status.PLANNED
            elif ends >= ctx.today:
                status = Campaign.Status.ACTIVE
            else:
                status = Campaign.Status.COMPLETED
            name = spec.name.format(year=starts.year)
            campaign = services.campaign_create(
                actor=actor,
                name=name,
                type=spec.type,
                status=status,
                description=spec.description,
                starts_on=starts,
                ends_on=ends,
                owner=rng.choice(owners) if owners else None,
                team=marketing,
                budget=Decimal(spec.budget),
                utm_source=spec.utm[0],
                utm_medium=spec.utm[1],
                utm_campaign=_slug(name),
                at=created,
            )
            made += 1
            for description, amount in spec.costs:
                incurred = min(ends, starts - timedelta(days=rng.randint(0, 30)))
                if incurred > ctx.today:
                    incurred = ctx.today
                services.campaign_cost_add(
                    actor=actor,
                    campaign=campaign,
                    description=description,
                    amount=Decimal(amount) + Decimal(rng.randint(0, 99)),
                    incurred_on=incurred,
                    at=_moment(rng, incurred),
                )
                costs += 1
            begin = datetime.combine(starts, time(0), tzinfo=BERLIN)
            known = [pk for pk, added in people if added < begin - timedelta(days=1)]
            if not known:
                continue
            if spec.targeted:
                targeted = rng.sample(known, min(len(known), ctx.count(spec.targeted)))
                services.campaign_members_add(
                    actor=actor,
                    campaign=campaign,
                    contact_ids=targeted,
                    status="sent",
                    at=min(now, begin + timedelta(hours=7)),
                )
                known = targeted  # mailings are answered by the people they went to
            wanted = ctx.count(round(spec.responses * RESPONSE_SHARE)) if spec.responses else 0
            count = min(len(known), wanted)
            answering = sorted(rng.sample(known, count))
            contacts = Contact.objects.in_bulk(answering)
            kinds = [k for k, _w in spec.kinds]
            weights = [w for _k, w in spec.kinds]
            planned: list[tuple[datetime, int, str]] = []
            for pk in answering:
                kind = rng.choices(kinds, weights)[0]
                moments = [(_response_moment(rng, spec, starts, kind), kind)]
                if spec.type == Type.WEBINAR and kind == Kind.ATTENDED:
                    # Who attended had registered before.
                    moments.insert(
                        0, (_response_moment(rng, spec, starts, Kind.REGISTERED), Kind.REGISTERED)
                    )
                if kind == Kind.CLICKED and rng.random() < 0.6:
                    moments.insert(
                        0, (moments[0][0] - timedelta(minutes=rng.randint(1, 90)), Kind.OPENED)
                    )
                for at, what in moments:
                    if at < now - timedelta(minutes=30):
                        planned.append((at, pk, what))
            planned.sort()
            for at, pk, what in planned:
                services.campaign_response_record(
                    actor=actor,
                    campaign=campaign,
                    contact=contacts[pk],
                    kind=what,
                    source="demo",
                    at=at,
                )
                responses.setdefault(pk, []).append((at, campaign.pk, what))
                total += 1
    for items in responses.values():
        items.sort()
    ctx.shared["campaigns.responses"] = responses
    ctx.log(f"Campaigns: {made} campaigns, {costs} cost lines, {total} responses.")


def register() -> None:
    demo.register("campaigns", seed_campaigns, order=450)

"""Demo organisation: Kessler Maschinenbau GmbH, Stuttgart.

A mid-sized German machine builder selling special-purpose machines and
retrofits to industry. Its revenue team: Marketing, Sales (Vertrieb) in
Stuttgart and an office in Munich, Customer Success and the management.
Everything is written through :mod:`interlock.org.services`, acting as the
demo admin, so the demo carries the same events and audit trail as real use.

Registered with :mod:`interlock.core.demo` in ``OrgConfig.ready``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from interlock.core import demo, events
from interlock.core.context import Source, acting
from interlock.org import services
from interlock.org.models import Membership, Team, User

COMPANY = "Kessler Maschinenbau GmbH"
DOMAIN = "kessler-maschinenbau.de"
BERLIN = ZoneInfo("Europe/Berlin")

# Mon–Thu 08:00–12:00 and 13:00–17:00, Friday until 15:00.
WEEK: dict[int, list[tuple[time, time]]] = {
    day: [(time(8), time(12)), (time(13), time(17))] for day in range(4)
}
WEEK[4] = [(time(8), time(12)), (time(13), time(15))]


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    description: str
    subdivision: str = "BW"


FUNCTIONS = {
    "management": "management",
    "marketing": "marketing",
    "sales": "sales",
    "sales-munich": "sales",
    "customer-success": "customer_success",
}

TEAMS = [
    TeamSpec("management", "Management", "Geschäftsleitung und Finanzen, Stuttgart-Vaihingen."),
    TeamSpec("marketing", "Marketing", "Marketing, Messen und Content, Stuttgart-Vaihingen."),
    TeamSpec(
        "sales", "Sales", "Vertrieb Innen- und Außendienst Baden-Württemberg, Stuttgart-Vaihingen."
    ),
    TeamSpec(
        "sales-munich", "Sales Munich", "Vertriebsbüro München für Bayern und Österreich.", "BY"
    ),
    TeamSpec(
        "customer-success",
        "Customer Success",
        "Kundenbetreuung, Service-Verträge, Retrofits und Ersatzteile, Stuttgart-Vaihingen.",
    ),
]


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str  # User.Roles
    title: str
    team: str | None = None
    lead: bool = False
    language: str = "de"


PEOPLE = [
    Person("admin", "Katrin", "Vogel", "admin", "IT-Administratorin"),
    Person("m.kessler", "Martin", "Kessler", "management", "Geschäftsführer", "management", True),
    Person("s.hoffmann", "Sabine", "Hoffmann", "management", "Leiterin Finanzen", "management"),
    Person("j.wagner", "Julia", "Wagner", "member", "Leiterin Marketing", "marketing", True),
    Person("l.becker", "Lukas", "Becker", "member", "Online-Marketing-Manager", "marketing"),
    Person("a.schulz", "Anna", "Schulz", "member", "Referentin Messen und Content", "marketing"),
    Person("t.richter", "Tobias", "Richter", "member", "Marketing Operations", "marketing"),
    Person("f.mueller", "Frank", "Müller", "member", "Vertriebsleiter", "sales", True),
    Person("s.weber", "Stefan", "Weber", "member", "Außendienst Baden-Württemberg", "sales"),
    Person("c.fischer", "Claudia", "Fischer", "member", "Vertriebsinnendienst", "sales"),
    Person("m.schneider", "Michael", "Schneider", "member", "Key Account Manager", "sales"),
    Person("n.keller", "Nina", "Keller", "member", "Vertriebsinnendienst", "sales"),
    Person(
        "a.huber",
        "Andreas",
        "Huber",
        "member",
        "Leiter Vertriebsbüro München",
        "sales-munich",
        True,
    ),
    Person("k.maier", "Korbinian", "Maier", "member", "Außendienst Bayern", "sales-munich"),
    Person("l.bauer", "Lisa", "Bauer", "member", "Vertriebsinnendienst Süd", "sales-munich"),
    Person(
        "p.schmid",
        "Petra",
        "Schmid",
        "member",
        "Leiterin Customer Success",
        "customer-success",
        True,
    ),
    Person("d.wolf", "Daniel", "Wolf", "member", "Customer Success Manager", "customer-success"),
    Person(
        "e.zimmermann", "Elena", "Zimmermann", "member", "Service-Koordination", "customer-success"
    ),
    Person("j.koch", "Jan", "Koch", "member", "Ersatzteilvertrieb", "customer-success"),
    Person("r.lange", "Ralf", "Lange", "readonly", "Controlling"),
    Person("h.frank", "Heike", "Frank", "readonly", "Datenschutzbeauftragte"),
    Person("b.krause", "Benedikt", "Krause", "readonly", "Werkstudent Vertrieb", language="en"),
]

# One login per kind of person, printed at the end of ``interlock demo``.
LOGIN_ROLES = [
    ("admin", "admin"),
    ("management", "m.kessler"),
    ("team lead", "f.mueller"),
    ("member", "s.weber"),
    ("member (marketing)", "l.becker"),
    ("read-only", "r.lange"),
]

# (person, deputy, first day as offset from today, days, reason); the offsets
# are shifted by up to two days by the seeder's random generator.
ABSENCES = [
    ("s.weber", "c.fischer", -3, 8, "Urlaub"),
    ("k.maier", "l.bauer", -2, 4, "Krank"),
    ("j.wagner", "l.becker", 12, 10, "Urlaub"),
    ("p.schmid", "d.wolf", 5, 3, "Schulung Siemens SINUMERIK"),
    ("m.schneider", "f.mueller", 20, 5, "Messe EMO Hannover"),
    ("m.kessler", "s.hoffmann", 30, 14, "Urlaub"),
]

FIRST_NAMES = [
    "Alexander",
    "Andrea",
    "Birgit",
    "Christian",
    "Daniela",
    "Dirk",
    "Fabian",
    "Franziska",
    "Günter",
    "Hannah",
    "Jörg",
    "Jürgen",
    "Karin",
    "Laura",
    "Markus",
    "Melanie",
    "Niklas",
    "Oliver",
    "Patrick",
    "Sandra",
    "Sebastian",
    "Simone",
    "Sören",
    "Ursula",
    "Uwe",
    "Yvonne",
]
LAST_NAMES = [
    "Albrecht",
    "Arnold",
    "Bergmann",
    "Böhm",
    "Dietrich",
    "Engel",
    "Fuchs",
    "Graf",
    "Günther",
    "Hahn",
    "Hartmann",
    "Jung",
    "Kaiser",
    "Kühn",
    "Lehmann",
    "Lorenz",
    "Ludwig",
    "Möller",
    "Neumann",
    "Peters",
    "Pohl",
    "Roth",
    "Schäfer",
    "Schröder",
    "Seidel",
    "Sommer",
    "Stein",
    "Vogt",
    "Walter",
    "Weiß",
    "Winkler",
    "Ziegler",
]


def _email(first: str, last: str) -> str:
    def ascii_part(text: str) -> str:
        text = text.lower()
        for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
            text = text.replace(umlaut, plain)
        return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()

    return f"{ascii_part(first)}.{ascii_part(last)}@{DOMAIN}"


def logins() -> list[demo.Login]:
    by_username = {p.username: p for p in PEOPLE}
    return [
        demo.Login(
            role=label,
            username=username,
            password=demo.DEMO_PASSWORD,
            name=f"{by_username[username].first_name} {by_username[username].last_name}",
        )
        for label, username in LOGIN_ROLES
    ]


def admin_bootstrap(
    *,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    language: str = "",
    check_password: bool = True,
) -> User:
    """Create an administrator (superuser) without an acting admin.

    The one write outside ``services``: the first admin has nobody who may
    create them. The audit trail (auditlog signal) and a ``user.created``
    event are written as for :func:`services.user_create`.
    """
    user = User(
        username=username.strip(),
        email=email.strip().lower(),
        first_name=first_name,
        last_name=last_name,
        title=title,
        language=language,
        role=User.Roles.ADMIN,
        is_staff=True,
        is_superuser=True,
        is_active=True,
    )
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        events.record("user.created", subject=user, payload={"role": user.role, "superuser": True})
    return user


def _at(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def seed_organisation(ctx: demo.DemoContext) -> None:
    """The company: admin, teams with calendars, people, memberships, absences."""
    rng = ctx.rng
    admin_person = PEOPLE[0]
    admin = admin_bootstrap(
        username=admin_person.username,
        email=_email(admin_person.first_name, admin_person.last_name),
        password=demo.DEMO_PASSWORD,
        first_name=admin_person.first_name,
        last_name=admin_person.last_name,
        title=admin_person.title,
        language="de",
        check_password=False,
    )
    ctx.actor = admin
    with acting(admin, Source.SYSTEM):
        teams: dict[str, Team] = {}
        for spec in TEAMS:
            team = services.team_create(
                actor=admin,
                name=spec.name,
                slug=spec.key,
                description=spec.description,
                function=FUNCTIONS.get(spec.key, "other"),
                timezone="Europe/Berlin",
                country="DE",
                subdivision="BW",
                week=WEEK,
            )
            if spec.subdivision != "BW":  # the Munich office keeps Bavarian holidays
                services.calendar_update(
                    actor=admin, calendar=team.calendar, subdivision=spec.subdivision
                )
            for year in (ctx.today.year, ctx.today.year + 1):
                services.company_holiday_add(
                    actor=admin,
                    calendar=team.calendar,
                    day=date(year, 12, 24),
                    name="Heiligabend (Betriebsruhe)",
                )
                services.company_holiday_add(
                    actor=admin,
                    calendar=team.calendar,
                    day=date(year, 12, 31),
                    name="Silvester (Betriebsruhe)",
                )
            teams[spec.key] = team

        users: dict[str, User] = {admin.username: admin}
        for person in PEOPLE[1:]:
            users[person.username] = services.user_create(
                actor=admin,
                username=person.username,
                email=_email(person.first_name, person.last_name),
                first_name=person.first_name,
                last_name=person.last_name,
                role=person.role,
                password=None,  # set below: one hash for all (argon2 is slow on purpose)
                language=person.language,
                title=person.title,
            )
        # Everybody has the documented demo password; hashing it once and sharing
        # the admin's hash saves a second of argon2 per person.
        User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password=admin.password)
        for user in users.values():
            user.password = admin.password
        for person in PEOPLE:
            if person.team:
                services.membership_set(
                    actor=admin,
                    team=teams[person.team],
                    user=users[person.username],
                    role=Membership.Role.LEAD if person.lead else Membership.Role.MEMBER,
                )
        # The head of the Munich office also sits in the Sales team.
        services.membership_set(actor=admin, team=teams["sales"], user=users["a.huber"])

        for username, deputy, offset, days, reason in ABSENCES:
            first = ctx.today + timedelta(days=offset + rng.randint(0, 2))
            services.absence_create(
                actor=admin,
                user=users[username],
                deputy=users[deputy],
                starts_at=_at(first),
                ends_at=_at(first + timedelta(days=days)),
                reason=reason,
            )
    ctx.shared["org.teams"] = teams
    ctx.shared["org.users"] = users
    ctx.logins.extend(logins())
    ctx.log(f"{COMPANY}: {len(teams)} teams, {len(users)} people, {len(ABSENCES)} absences.")


def synthetic_rows(rng: Any, count: int, start: int = 1) -> list[dict[str, Any]]:
    """``count`` made-up staff rows for the bulk path (benchmarks, load tests)."""
    rows = []
    for number in range(start, start + count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        rows.append(
            {
                "username": f"staff{number:07d}",
                "email": f"staff{number:07d}@{DOMAIN}",
                "first_name": first,
                "last_name": last,
                "role": "member" if rng.random() < 0.9 else "readonly",
                "title": "Sachbearbeitung",
                "language": "de",
            }
        )
    return rows


def seed_scale(ctx: demo.DemoContext) -> None:
    """``--scale N``: N more users through the bulk path (for benchmarks)."""
    if ctx.scale <= 0:
        return
    if ctx.actor is None:
        raise ValidationError("The organisation seeder must run first (it creates the admin).")
    with acting(ctx.actor, Source.SYSTEM):
        done = 0
        while done < ctx.scale:  # batches keep memory flat for millions of rows
            size = min(100_000, ctx.scale - done)
            services.users_bulk_create(
                actor=ctx.actor, rows=synthetic_rows(ctx.rng, size, start=done + 1)
            )
            done += size
    ctx.log(f"Scale: {ctx.scale} more users through the bulk path.")


def register() -> None:
    demo.register("org", seed_organisation, order=10, logins=logins)
    demo.register("org.scale", seed_scale, order=1000)

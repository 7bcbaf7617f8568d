"""``interlock demo`` and ``interlock createadmin``.

The demo runs at 2 % of its full size here (``INTERLOCK_DEMO_PERCENT``, set
for the whole module) so the file stays fast; the full size's counts are
checked on the pure row generators, and the history at 5 % once.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from interlock.core import demo
from interlock.core.models import AuditEntry, Event
from interlock.org.models import Absence, CompanyHoliday, Membership, Team, User, WorkingHours

ROOT = Path(__file__).resolve().parent.parent
SMALL = "2"


@pytest.fixture(autouse=True)
def _small_demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(demo.PERCENT_VARIABLE, SMALL)


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_seeds_the_company_and_prints_the_logins() -> None:
    output = _demo()

    assert "Kessler Maschinenbau GmbH" in output
    assert demo.DEMO_PASSWORD in output
    for label, username in (
        ("admin", "admin"),
        ("management", "m.kessler"),
        ("team lead", "f.mueller"),
        ("read-only", "r.lange"),
    ):
        assert label in output and username in output

    assert set(User.objects.values_list("role", flat=True)) == set(User.Roles.values)
    assert 15 <= User.objects.count() <= 25
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == "admin"
    assert admin.check_password(demo.DEMO_PASSWORD)
    assert User.objects.get(username="s.weber").check_password(demo.DEMO_PASSWORD)
    assert (
        User.objects.filter(email__endswith="@kessler-maschinenbau.de").count()
        == User.objects.count()
    )
    assert User.objects.get(username="f.mueller").last_name == "Müller"

    names = set(Team.objects.values_list("name", flat=True))
    assert {"Marketing", "Sales", "Customer Success", "Management"} <= names
    for team in Team.objects.all():
        leads = team.memberships.filter(role=Membership.Role.LEAD)
        assert leads.count() == 1, team
        calendar = team.calendar
        assert calendar.timezone == "Europe/Berlin" and calendar.country == "DE"
        assert calendar.subdivision == ("BY" if team.slug == "sales-munich" else "BW")
        hours = {(h.weekday, h.start.hour, h.end.hour) for h in calendar.hours.all()}
        assert (0, 8, 12) in hours and (0, 13, 17) in hours and (4, 13, 15) in hours
        assert not any(h.weekday >= 5 for h in calendar.hours.all())
        days = {(d.month, d.day) for d in calendar.company_holidays.values_list("date", flat=True)}
        assert days == {(12, 24), (12, 31)}
    assert (
        WorkingHours.objects.exists() and CompanyHoliday.objects.count() == 4 * Team.objects.count()
    )


@pytest.mark.django_db
def test_absences_have_deputies_now_and_later() -> None:
    _demo()
    now = timezone.now()
    absences = list(Absence.objects.select_related("user", "deputy"))
    assert len(absences) >= 4
    for absence in absences:
        assert absence.deputy_id and absence.deputy_id != absence.user_id
        assert absence.deputy.is_active
        assert absence.reason
    assert any(a.starts_at <= now < a.ends_at for a in absences), "someone is away today"
    assert any(a.starts_at > now for a in absences), "someone will be away"


@pytest.mark.django_db
def test_the_demo_goes_through_the_services() -> None:
    _demo()
    admin = User.objects.get(username="admin")
    types = set(Event.objects.values_list("type", flat=True))
    assert {
        "user.created",
        "team.created",
        "team.member_set",
        "calendar.updated",
        "calendar.holiday_added",
        "absence.created",
    } <= types
    assert Event.objects.filter(type="user.created").count() == User.objects.count()
    assert (
        Event.objects.filter(type="absence.created", actor=admin).count() == Absence.objects.count()
    )
    assert AuditEntry.objects.filter(content_type__model="absence", actor=admin).exists()


@pytest.mark.django_db
def test_if_empty_is_idempotent_and_prints_the_logins_again() -> None:
    first = _demo("--if-empty")
    counts = (User.objects.count(), Team.objects.count(), Absence.objects.count())
    again = _demo("--if-empty")
    assert (User.objects.count(), Team.objects.count(), Absence.objects.count()) == counts
    assert "not seeded again" in again
    assert "m.kessler" in again and demo.DEMO_PASSWORD in again and "m.kessler" in first


@pytest.mark.django_db
def test_demo_refuses_a_database_with_users() -> None:
    User.objects.create(username="someone")
    with pytest.raises(CommandError):
        _demo()
    assert "not seeded again" in _demo("--if-empty")
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("percent", ["0", "101", "-5"])
def test_demo_refuses_a_percent_outside_1_to_100(percent: str) -> None:
    with pytest.raises(CommandError, match="--percent must lie between 1 and 100"):
        _demo("--percent", percent)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_scale_adds_users_through_the_bulk_path() -> None:
    output = _demo("--scale", "120")
    assert "120 more users" in output
    staff = User.objects.filter(username__startswith="staff")
    assert staff.count() == 120
    assert not staff.first().has_usable_password()  # type: ignore[union-attr]
    ids = list(staff.values_list("pk", flat=True))
    assert Event.objects.filter(type="user.created", subject_id__in=ids).count() == 120
    assert AuditEntry.objects.filter(content_type__model="user", object_id__in=ids).count() == 120


@pytest.mark.django_db
def test_the_seed_makes_the_scale_users_deterministic() -> None:
    _demo("--scale", "30", "--seed", "7")
    one = list(
        User.objects.filter(username__startswith="staff")
        .order_by("username")
        .values_list("username", "first_name", "last_name", "role")
    )
    User.objects.filter(username__startswith="staff").delete()
    import random

    from interlock.org.demo import synthetic_rows

    rows = synthetic_rows(random.Random("7:org.scale"), 30)
    assert [(r["username"], r["first_name"], r["last_name"], r["role"]) for r in rows] == one


def _start_fresh(tmp: Path) -> subprocess.Popen[str]:
    """Start ``interlock migrate`` + ``interlock demo`` in a process on a new SQLite file."""
    tmp.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        INTERLOCK_DATA_DIR=str(tmp),
        INTERLOCK_TESTING="1",
        DJANGO_SETTINGS_MODULE="interlock.settings",
    )
    # One process runs both commands (Django starts once); see interlock.cli.main.
    code = (
        "from interlock.cli import main; "
        "main(['migrate', '--noinput', '-v0', '--skip-checks']); "
        "main(['demo', '--skip-checks'])"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_fresh(tmp: Path, process: subprocess.Popen[str]) -> dict[str, list[Any]]:
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr[-2000:]
    assert "interlock-demo" in stdout
    queries = {
        "accounts": "SELECT name, domain, country, lifecycle FROM customers_account ORDER BY id",
        "contacts": "SELECT first_name, last_name, email, account_id FROM customers_contact "
        "ORDER BY id",
        "deals": "SELECT title, account_id, amount, stage_id FROM sales_deal ORDER BY id",
        "complaints": "SELECT title, account_id, product_id, deal_id, status "
        "FROM feedback_complaint ORDER BY id",
        "users": "SELECT username, email, first_name, last_name, role, title, is_superuser, "
        "language FROM org_user ORDER BY username",
        "teams": "SELECT slug, name, description FROM org_team ORDER BY slug",
        "memberships": "SELECT u.username, t.slug, m.role FROM org_membership m "
        "JOIN org_user u ON u.id = m.user_id JOIN org_team t ON t.id = m.team_id "
        "ORDER BY 1, 2",
        "absences": "SELECT u.username, d.username, a.starts_at, a.ends_at, a.reason "
        "FROM org_absence a JOIN org_user u ON u.id = a.user_id "
        "JOIN org_user d ON d.id = a.deputy_id ORDER BY 1, 3",
        "calendars": "SELECT t.slug, c.timezone, c.country, c.subdivision FROM org_businesscalendar c "
        "JOIN org_team t ON t.id = c.team_id ORDER BY 1",
    }
    with sqlite3.connect(tmp / "interlock.sqlite3") as db:
        return {name: db.execute(sql).fetchall() for name, sql in queries.items()}


def test_demo_is_deterministic_on_two_fresh_databases(tmp_path: Path) -> None:
    # Both at once: they are independent, and the machine has two cores.
    one, two = _start_fresh(tmp_path / "one"), _start_fresh(tmp_path / "two")
    first = _read_fresh(tmp_path / "one", one)
    second = _read_fresh(tmp_path / "two", two)
    assert first == second
    assert len(first["users"]) >= 15 and first["absences"]
    assert first["accounts"] and first["contacts"] and first["deals"] and first["complaints"]


def test_demo_registry_orders_seeders() -> None:
    calls: list[str] = []
    demo.register("zz.test.late", lambda ctx: calls.append("late"), order=5000)
    demo.register("zz.test.early", lambda ctx: calls.append("early"), order=-5)
    try:
        names = [name for name, _seeder in demo.seeders()]
        assert names.index("zz.test.early") < names.index("org") < names.index("zz.test.late")
    finally:
        demo.unregister("zz.test.late")
        demo.unregister("zz.test.early")
    assert "zz.test.late" not in [name for name, _seeder in demo.seeders()]


# --- createadmin ------------------------------------------------------------------


@pytest.mark.django_db
def test_createadmin_with_a_password_argument() -> None:
    out = io.StringIO()
    call_command(
        "createadmin",
        "--username",
        "root",
        "--email",
        "Root@Example.com",
        "--password",
        "a long and unusual passphrase",
        stdout=out,
    )
    user = User.objects.get(username="root")
    assert user.is_superuser and user.is_staff and user.role == "admin"
    assert user.email == "root@example.com"
    assert user.check_password("a long and unusual passphrase")
    assert Event.objects.filter(type="user.created", subject_id=user.pk).exists()
    assert AuditEntry.objects.filter(content_type__model="user", object_id=user.pk).exists()
    with pytest.raises(CommandError):
        call_command(
            "createadmin",
            "--username",
            "root",
            "--email",
            "x@example.com",
            "--password",
            "another long passphrase",
        )


@pytest.mark.django_db
def test_createadmin_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERLOCK_ADMIN_PASSWORD", "environment passphrase 42")
    call_command(
        "createadmin", "--username", "envadmin", "--email", "env@example.com", stdout=io.StringIO()
    )
    assert User.objects.get(username="envadmin").check_password("environment passphrase 42")


@pytest.mark.django_db
def test_createadmin_refuses_weak_or_missing_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERLOCK_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="No password"):
        call_command("createadmin", "--username", "a1", "--email", "a1@example.com")
    with pytest.raises(CommandError):
        call_command(
            "createadmin", "--username", "a2", "--email", "a2@example.com", "--password", "123"
        )
    with pytest.raises(CommandError):
        call_command(
            "createadmin",
            "--username",
            "a 3",
            "--email",
            "not-mail",
            "--password",
            "a long and unusual passphrase",
        )
    assert not User.objects.exists()


# --- size and history --------------------------------------------------------------


def test_full_size_counts_on_the_row_generators() -> None:
    """The full demo's 2,000 accounts and ~8,000 contacts, without a database."""
    import random

    from interlock.customers import demo as customers_demo
    from interlock.feedback.demo import COMPLAINT_COUNT
    from interlock.sales.demo import DEALS

    ctx = demo.DemoContext(
        seed=1, scale=0, rng=random.Random(1), today=timezone.localdate(), now=timezone.now()
    )
    assert ctx.percent == 100 and ctx.count(customers_demo.ACCOUNTS) == 2000
    rng = random.Random("1:customers")
    rows = customers_demo.account_rows(rng, ctx.count(customers_demo.ACCOUNTS), ctx.now, [1, 2])
    people = [
        p for i, row in enumerate(rows) for p in customers_demo.contact_rows(rng, row, i, ctx.now)
    ]
    assert len(rows) == 2000 and 7500 <= len(people) <= 8700
    assert len({r["domain"] for r in rows}) == 2000
    assert len({p["email"] for p in people}) == len(people)
    oldest = min(r["created_at"] for r in rows)
    assert timedelta(days=600) < ctx.now - oldest <= timedelta(days=740)
    assert all(p["created_at"] < ctx.now for p in people)
    assert DEALS >= 200 and COMPLAINT_COUNT >= 100
    assert demo.DemoContext(**{**ctx.__dict__, "percent": 2}).count(2000) == 40


@pytest.mark.django_db
def test_history_carries_its_real_dates() -> None:
    """Events, timeline rows, stage changes, quotes and complaints are dated in the past."""
    from interlock.customers.models import Account, Contact, TimelineEntry
    from interlock.feedback.models import Complaint
    from interlock.sales.models import Deal, DealStageChange, Quote

    ctx = demo.seed(percent=5, log=lambda _m: None)
    now = ctx.now
    assert Account.objects.count() == 100 and Contact.objects.count() >= 300
    # Account and contact creation, through the bulk path, spread over two years.
    created = Event.objects.filter(type="account.created").values_list("occurred_at", flat=True)
    assert min(created) < now - timedelta(days=365)
    for account in Account.objects.all()[:20]:
        event = Event.objects.get(type="account.created", subject_id=account.pk)
        assert event.occurred_at == account.created_at
    # Timeline rows carry their event's time, and most history is not "today".
    entries = TimelineEntry.objects.select_related("event")
    assert entries.exists()
    assert all(e.occurred_at == e.event.occurred_at for e in entries[:500])
    old = entries.filter(occurred_at__lt=now - timedelta(days=30)).count()
    assert old > entries.count() * 0.6
    # Deals: stage history in order, closed deals closed in the past, events at those moments.
    deals = list(Deal.objects.all())
    assert (deals and any(d.won_at for d in deals)) or any(d.lost_at for d in deals)
    for deal in deals:
        changes = list(DealStageChange.objects.filter(deal=deal).order_by("at", "id"))
        assert changes[0].from_stage_id is None and changes[0].at == deal.created_at
        assert [c.at for c in changes] == sorted(c.at for c in changes)
        assert all(c.at <= now for c in changes)
        closed = deal.won_at or deal.lost_at
        if closed:
            assert closed == changes[-1].at and closed < now
        moved = Event.objects.filter(subject_id=deal.pk, type="deal.stage_changed")
        assert sorted(e.occurred_at for e in moved) == [c.at for c in changes[1:]]
    assert min(d.created_at for d in deals) < now - timedelta(days=180)
    for quote in Quote.objects.select_related("deal"):
        assert quote.deal.created_at <= quote.created_at < now
        if quote.sent_at:
            assert quote.created_at <= quote.sent_at < now
    # Complaints: answered and resolved after they came in; links stay on the account.
    complaints = list(Complaint.objects.select_related("deal"))
    assert complaints
    for c in complaints:
        assert c.created_at < now
        if c.first_response_at:
            assert c.created_at <= c.first_response_at < now
        if c.resolved_at:
            assert c.first_response_at and c.first_response_at <= c.resolved_at < now
        if c.deal:
            assert c.deal.account_id == c.account_id and c.deal.won_at
            assert c.created_at > c.deal.won_at and c.product_id
        event = Event.objects.get(type="complaint.created", subject_id=c.pk)
        assert event.occurred_at == c.created_at
        assert event.payload["deal_id"] == c.deal_id
    # Everything the seed recorded was delivered, in bulk, before the commit.
    from interlock.core.models import EventDelivery

    assert not EventDelivery.objects.exclude(status=EventDelivery.Status.DONE).exists()


@given(full=st.integers(min_value=0, max_value=100_000), percent=st.integers(1, 100))
def test_count_scales_the_demo(full: int, percent: int) -> None:
    """Scaled counts: never more than full size, never zero for something, exact at 100 %."""
    import random

    ctx = demo.DemoContext(
        seed=1,
        scale=0,
        rng=random.Random(1),
        today=timezone.localdate(),
        now=timezone.now(),
        percent=percent,
    )
    n = ctx.count(full)
    assert 0 <= n <= full
    assert (n == 0) == (full == 0)
    assert abs(n - full * percent / 100) <= 1
    if percent == 100:
        assert n == full
    assert ctx.count(full + 1) >= n  # more at full size never means fewer here

"""``interlock demo`` and ``interlock createadmin``."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from interlock.core import demo
from interlock.core.models import AuditEntry, Event
from interlock.org.models import Absence, CompanyHoliday, Membership, Team, User, WorkingHours

ROOT = Path(__file__).resolve().parent.parent


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


def _seed_fresh(tmp: Path) -> dict[str, list[Any]]:
    """Run ``interlock demo`` in its own process on a new SQLite file; read it back."""
    tmp.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        INTERLOCK_DATA_DIR=str(tmp),
        INTERLOCK_TESTING="1",
        DJANGO_SETTINGS_MODULE="interlock.settings",
    )
    cli = [sys.executable, "-m", "interlock.cli"]
    for args in (["migrate", "--noinput", "-v0", "--skip-checks"], ["demo", "--skip-checks"]):
        done = subprocess.run(
            [*cli, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    assert "interlock-demo" in done.stdout
    queries = {
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
    first = _seed_fresh(tmp_path / "one")
    second = _seed_fresh(tmp_path / "two")
    assert first == second
    assert len(first["users"]) >= 15 and first["absences"]


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

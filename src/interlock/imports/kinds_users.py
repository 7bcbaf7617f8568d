"""Importing users and team memberships, so that owners in later files resolve.

New users go through the org bulk path (unusable password: they set one by
password reset), existing users (same e-mail) are updated through
``user_update``; the team (or office) column makes each user a member of that
team (created when missing, listed in the report), and the manager column
makes the manager the lead of that team.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from interlock.imports import values as v
from interlock.imports.records import Options, Progress, Record, Report
from interlock.imports.resolve import find_team, service_message
from interlock.org import services
from interlock.org.models import Membership, Team, User

_ROLES = {
    "admin": "admin",
    "administrator": "admin",
    "administratorin": "admin",
    "management": "management",
    "manager": "management",
    "geschäftsführung": "management",
    "geschäftsleitung": "management",
    "member": "member",
    "mitglied": "member",
    "user": "member",
    "read only": "readonly",
    "readonly": "readonly",
    "nur lesen": "readonly",
}


def import_users(
    actor: Any, records: list[Record], options: Options, report: Report, tick: Progress
) -> None:
    existing = {u.email.lower(): u for u in User.objects.exclude(email="")}
    new_rows: list[dict[str, Any]] = []
    new_numbers: list[int] = []
    teams: dict[str, Team | None] = {}
    placed: list[tuple[int, str, str]] = []  # (row, e-mail, team name)
    managers: list[tuple[int, str, str]] = []  # (row, manager e-mail, team name)
    seen: dict[str, int] = {}
    for record in records:
        values = record.values
        email = values.get("email", "").strip().lower()
        if not email:
            report.problem(record.row, "email", "", _("Every user needs an e-mail address."))
            continue
        if email in seen:
            report.duplicates.append({"row": record.row, "same_as": seen[email]})
            continue
        seen[email] = record.row
        first, last = values.get("first_name", ""), values.get("last_name", "")
        if "full_name" in values and not (first or last):
            first, last = v.split_name(values["full_name"])
        role = ""
        if "role" in values:
            role = _ROLES.get(v.norm(values["role"]), "")
            if not role:
                report.problem(
                    record.row,
                    "role",
                    values["role"],
                    _("Use admin, management, member or read only."),
                )
                continue
        fields = {
            "first_name": first[:150],
            "last_name": last[:150],
            "title": values.get("title", "")[:120],
        }
        if role:
            fields["role"] = role
        user = existing.get(email)
        if user is None:
            new_rows.append({"username": values.get("username") or email, "email": email, **fields})
            new_numbers.append(record.row)
        else:
            changed = {k: val for k, val in fields.items() if val and getattr(user, k) != val}
            try:
                with transaction.atomic():
                    if changed:
                        services.user_update(actor=actor, user=user, **changed)
            except ValidationError as exc:
                for name, message in service_message(exc):
                    report.problem(record.row, name, values.get(name, ""), message)
                continue
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
        team_name = values.get("team", "")
        if team_name:
            placed.append((record.row, email, team_name))
            teams.setdefault(v.norm(team_name), None)
        if values.get("manager"):
            managers.append((record.row, values["manager"].strip().lower(), team_name))
    for _attempt in range(2):  # the second time without the rows found invalid
        if not new_rows:
            break
        try:
            with transaction.atomic():
                services.users_bulk_create(actor=actor, rows=new_rows)
            report.created += len(new_rows)
            break
        except ValidationError as exc:
            _bulk_problems(exc, new_numbers, report)
            keep = [i for i, n in enumerate(new_numbers) if n not in report.invalid]
            new_rows = [new_rows[i] for i in keep]
            new_numbers = [new_numbers[i] for i in keep]
    tick(len(records) // 2, len(records))
    users = {u.email.lower(): u for u in User.objects.exclude(email="")}
    names = {v.norm(n): n for _r, _e, n in placed}
    for key, name in names.items():
        team = find_team(name)
        if team is None:
            team = services.team_create(actor=actor, name=name)
            report.created_teams.append(name)
        teams[key] = team
    for number, email, name in placed:
        user, team = users.get(email), teams.get(v.norm(name))
        if user is None or team is None or number in report.invalid:
            continue
        if not Membership.objects.filter(team=team, user=user).exists():
            services.membership_set(actor=actor, team=team, user=user)
    for number, manager_email, name in managers:
        manager = users.get(manager_email)
        if manager is None:
            report.problem(
                number,
                "manager",
                manager_email,
                _("No user has this e-mail; list the manager in the file too."),
            )
            continue
        team = teams.get(v.norm(name)) if name else None
        if team is None:
            report.problem(
                number,
                "manager",
                manager_email,
                _("A manager leads the user's team: fill in the team column."),
            )
            continue
        services.membership_set(actor=actor, team=team, user=manager, role=Membership.Role.LEAD)


def _bulk_problems(exc: ValidationError, numbers: list[int], report: Report) -> None:
    """The org bulk path names rows 1-based in its own order: map them back."""
    import re

    for line in exc.messages:
        match = re.match(r"row (\d+): (.*)", line)
        if match and int(match[1]) - 1 < len(numbers):
            reason = match[2]
            column = reason.split(":", 1)[0] if ":" in reason else "email"
            report.problem(numbers[int(match[1]) - 1], column, "", reason)
        else:
            for number in numbers:
                report.problem(number, "email", "", line)

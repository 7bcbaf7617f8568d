"""Finding the owners, accounts and aliased values that rows refer to.

Missing owners and accounts are reported, not guessed; when the import's
options ask for it they are created (an owner as an inactive user in the
named team, an account by name) and listed in the report.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from interlock.customers import bulk
from interlock.customers.models import Account
from interlock.imports.models import ValueAlias
from interlock.imports.records import Options, Record, Report
from interlock.imports.values import norm
from interlock.org.models import Team, User


def aliases(field: str) -> dict[str, str]:
    """Saved aliases of ``field``: normalised spelling -> what it means."""
    return {
        norm(a): v for a, v in ValueAlias.objects.filter(field=field).values_list("alias", "value")
    }


def find_team(name: str) -> Team | None:
    if not name:
        return None
    wanted = aliases(ValueAlias.Field.TEAM).get(norm(name), name)
    for team in Team.objects.all():
        if norm(team.name) == norm(wanted) or team.slug == slugify(wanted):
            return team
    return None


class Owners:
    """Owner cells (e-mail, username or full name) -> user ids."""

    def __init__(self, actor: Any, options: Options, report: Report) -> None:
        self.actor = actor
        self.options = options
        self.report = report
        self.by_key: dict[str, int] = {}
        for pk, username, email, first, last in User.objects.values_list(
            "pk", "username", "email", "first_name", "last_name"
        ):
            for key in (username, email, f"{first} {last}"):
                if key.strip():
                    self.by_key.setdefault(norm(key), pk)
        self.missing: dict[str, list[Record]] = {}

    def get(self, record: Record) -> int | bool | None:
        """The id, None when the row names no owner, False when it is missing (for now)."""
        value = record.values.get("owner", "")
        if not value:
            return None
        pk = self.by_key.get(norm(value))
        if pk is None:
            self.missing.setdefault(norm(value), []).append(record)
            return False
        return pk

    def settle(self, rows: dict[int, dict[str, Any]], field: str = "owner_id") -> None:
        """Create the missing owners (if asked) and fill them in, or report the rows."""
        if not self.missing:
            return
        if "owners" not in self.options.create_missing:
            for records in self.missing.values():
                for record in records:
                    self.report.problem(
                        record.row,
                        "owner",
                        record.values["owner"],
                        _(
                            "No user is called so. Import the users first, add an alias, or "
                            "choose “create missing owners”."
                        ),
                    )
                    rows.pop(record.row, None)
            return
        from interlock.org import services as org_services

        team = find_team(self.options.team)
        if team is None:
            for records in self.missing.values():
                for record in records:
                    self.report.problem(
                        record.row,
                        "owner",
                        record.values["owner"],
                        _("Name an existing team for the owners to be created in."),
                    )
                    rows.pop(record.row, None)
            return
        new_rows = [_user_row(records[0].values["owner"]) for records in self.missing.values()]
        try:
            ids = org_services.users_bulk_create(actor=self.actor, rows=new_rows, team=team)
        except ValidationError as exc:
            for records in self.missing.values():
                for record in records:
                    self.report.problem(
                        record.row,
                        "owner",
                        record.values["owner"],
                        _("The owner could not be created: %(why)s")
                        % {"why": "; ".join(exc.messages)[:300]},
                    )
                    rows.pop(record.row, None)
            self.missing = {}
            return
        for (_key, records), pk in zip(self.missing.items(), ids, strict=True):
            self.report.created_owners.append(records[0].values["owner"])
            for record in records:
                self.by_key[norm(record.values["owner"])] = pk
                if record.row in rows:
                    rows[record.row][field] = pk
        self.missing = {}


def _user_row(value: str) -> dict[str, Any]:
    value = " ".join(value.split())
    email = value.lower() if "@" in value else ""
    base = email or value
    username = re.sub(r"[^\w.@+-]", ".", base)[:140] or "owner"
    if User.objects.filter(username=username).exists():
        username = f"{username[:130]}.{User.objects.count() + 1}"
    first, _sep, last = ("", "", "") if email else value.rpartition(" ")
    return {
        "username": username,
        "email": email,
        "first_name": first[:150],
        "last_name": (last or ("" if email else value))[:150],
        "is_active": False,
    }


class Accounts:
    """Account external ids and names -> account ids."""

    def __init__(self, records: list[Record], options: Options, report: Report) -> None:
        self.options = options
        self.report = report
        self.alias = aliases(ValueAlias.Field.ACCOUNT)
        ext_ids = sorted(
            {r.values["account_external_id"] for r in records if "account_external_id" in r.values}
        )
        names = sorted(
            {self._name(r.values["account_name"]) for r in records if "account_name" in r.values}
        )
        self.by_ext: dict[str, int] = {}
        for start in range(0, len(ext_ids), 900):
            self.by_ext.update(
                Account.objects.filter(external_id__in=ext_ids[start : start + 900]).values_list(
                    "external_id", "pk"
                )
            )
        self.by_name: dict[str, int] = {}
        if names:
            wanted = {norm(n) for n in names}
            for pk, name in Account.objects.order_by("pk").values_list("pk", "name").iterator():
                key = norm(name)
                if key in wanted:
                    self.by_name.setdefault(key, pk)
        self.missing: dict[tuple[str, str], list[Record]] = {}

    def _name(self, value: str) -> str:
        means = self.alias.get(norm(value))
        return means if means is not None else value

    def get(self, record: Record) -> int | bool | None:
        ext = record.values.get("account_external_id", "")
        name = record.values.get("account_name", "")
        if ext and ext in self.by_ext:
            return self.by_ext[ext]
        if name:
            means = self._name(name)
            if means != name:
                self.report.alias_used("account", name, means)
            pk = self.by_name.get(norm(means))
            if pk is not None:
                return pk
        if not ext and not name:
            return None
        self.missing.setdefault((ext, norm(self._name(name)) if name else ""), []).append(record)
        return False

    def settle(self, rows: dict[int, dict[str, Any]], field: str = "account_id") -> None:
        if not self.missing:
            return
        if "accounts" not in self.options.create_missing:
            for (ext, _name), records in self.missing.items():
                for record in records:
                    column = "account_external_id" if ext else "account_name"
                    self.report.problem(
                        record.row,
                        column,
                        record.values.get(column, ""),
                        _(
                            "No account has this %(what)s. Import the accounts first, add an "
                            "alias, or choose “create missing accounts”."
                        )
                        % {"what": _("external id") if ext else _("name")},
                    )
                    rows.pop(record.row, None)
            return
        keys = list(self.missing)
        new = []
        for ext, _key in keys:
            first = self.missing[(ext, _key)][0]
            name = self._name(first.values.get("account_name", "")) or ext
            new.append({"name": name[:200], "external_id": ext[:100]})
        result = bulk.upsert_accounts(new)
        for index, key in enumerate(keys):
            pk = result.ids[index]
            records = self.missing[key]
            if pk is None:
                reasons = "; ".join(m for _f, m in result.invalid.get(index, []))
                for record in records:
                    self.report.problem(
                        record.row,
                        "account_name",
                        record.values.get("account_name", ""),
                        _("The account could not be created: %(why)s") % {"why": reasons},
                    )
                    rows.pop(record.row, None)
                continue
            if index in result.created:
                self.report.created_accounts.append(new[index]["name"])
            for record in records:
                if record.row in rows:
                    rows[record.row][field] = pk
        self.missing = {}


def service_message(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs of a service's ValidationError."""
    if hasattr(exc, "error_dict"):
        return [(name, str(m)) for name, errs in exc.message_dict.items() for m in errs]
    return [("", str(m)) for m in exc.messages]

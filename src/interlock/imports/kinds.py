"""Per kind of import: turn mapped rows into records through the services.

Accounts and contacts go through the bulk path (:mod:`interlock.customers.bulk`:
same rules as the services, written with executemany/COPY, audited, events);
deals and users through their services row by row, each row in a savepoint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from interlock.customers import bulk
from interlock.customers.models import Contact
from interlock.imports import values as v
from interlock.imports.records import Options, Progress, Record, Report
from interlock.imports.resolve import Accounts, Owners

# Model fields (as the bulk path names them) -> the import field they came from.
_SOURCE = {
    "account_id": "account_name",
    "owner_id": "owner",
    "size": "employees",
    "revenue_band": "annual_revenue",
}
_BUYING_ROLES = {v.norm(str(label)): value for value, label in Contact.BuyingRole.choices} | {
    v.norm(value): value for value in Contact.BuyingRole.values
}


def _convert(
    record: Record, report: Report, name: str, parse: Callable[[str], Any]
) -> tuple[bool, Any]:
    text = record.values.get(name)
    if text is None:
        return True, None
    try:
        return True, parse(text)
    except ValueError as exc:
        report.problem(record.row, name, text, str(exc))
        return False, None


def _bulk_report(
    result: bulk.BulkResult, numbers: list[int], report: Report, records: dict[int, Record]
) -> None:
    for index, problems in result.invalid.items():
        number = numbers[index]
        record = records[number]
        for name, message in problems:
            source = _SOURCE.get(name, name)
            if source == "account_name" and "account_external_id" in record.values:
                source = "account_external_id"
            report.problem(number, source, record.values.get(source, ""), message)
    for index, first in result.duplicates.items():
        report.duplicates.append({"row": numbers[index], "same_as": numbers[first]})
    report.created += len(result.created)
    report.updated += len(result.updated)
    report.unchanged += len(result.unchanged)


def _check_dropped(
    kind: str,
    before: dict[int, dict[str, Any]],
    after: dict[int, dict[str, Any]],
    report: Report,
    records: dict[int, Record],
) -> None:
    """Rows left out for a missing owner or account: report their other problems too."""
    dropped = [n for n in before if n not in after]
    if not dropped:
        return
    problems = bulk.check_rows(kind, [before[n] for n in dropped])
    for index, found in problems.items():
        number = dropped[index]
        for name, message in found:
            source = _SOURCE.get(name, name)
            report.problem(number, source, records[number].values.get(source, ""), message)


def import_contacts(
    actor: Any, records: list[Record], options: Options, report: Report, tick: Progress
) -> None:
    owners = Owners(actor, options, report)
    accounts = Accounts(records, options, report)
    rows: dict[int, dict[str, Any]] = {}
    by_number: dict[int, Record] = {}
    total = len(records)
    for record in records:
        by_number[record.row] = record
        values = record.values
        row: dict[str, Any] = {}
        for name in ("first_name", "last_name", "email", "phone", "title", "external_id"):
            if name in values:
                row[name] = values[name]
        if "full_name" in values and not row.get("last_name"):
            first, last = v.split_name(values["full_name"])
            row.setdefault("first_name", first)
            row["last_name"] = last
        if "buying_role" in values:
            role = _BUYING_ROLES.get(v.norm(values["buying_role"]))
            if role is None:
                report.problem(
                    record.row,
                    "buying_role",
                    values["buying_role"],
                    _("Not a role in the buying centre."),
                )
                continue
            row["buying_role"] = role
        ok, created = _convert(record, report, "created_at", v.parse_datetime)
        if not ok:
            continue
        if created is not None:
            row["created_at"] = created
        account = accounts.get(record)
        if account is not None and account is not False:
            row["account_id"] = account
        owner = owners.get(record)
        if owner is not None and owner is not False:
            row["owner_id"] = owner
        rows[record.row] = row
    tick(total // 3, total)
    before = dict(rows)
    accounts.settle(rows)
    owners.settle(rows)
    _check_dropped("contacts", before, rows, report, by_number)
    numbers = sorted(rows)
    result = bulk.upsert_contacts([rows[n] for n in numbers], actor=actor, numbers=numbers)
    tick(total * 9 // 10, total)
    _bulk_report(result, numbers, report, by_number)


def import_accounts(
    actor: Any, records: list[Record], options: Options, report: Report, tick: Progress
) -> None:
    owners = Owners(actor, options, report)
    rows: dict[int, dict[str, Any]] = {}
    by_number: dict[int, Record] = {}
    total = len(records)
    parsers: dict[str, tuple[str, Callable[[str], Any]]] = {
        "employees": ("size", v.size_band),
        "annual_revenue": ("revenue_band", v.revenue_band),
        "lifecycle": ("lifecycle", v.lifecycle),
        "created_at": ("created_at", v.parse_datetime),
    }
    for record in records:
        by_number[record.row] = record
        values = record.values
        row: dict[str, Any] = {
            name: values[name]
            for name in ("name", "domain", "industry", "country", "state", "region", "external_id")
            if name in values
        }
        ok = True
        for source, (target, parse) in parsers.items():
            good, value = _convert(record, report, source, parse)
            ok = ok and good
            if value is not None:
                row[target] = value
        if not ok:
            continue
        owner = owners.get(record)
        if owner is not None and owner is not False:
            row["owner_id"] = owner
        rows[record.row] = row
    tick(total // 3, total)
    before = dict(rows)
    owners.settle(rows)
    _check_dropped("accounts", before, rows, report, by_number)
    numbers = sorted(rows)
    result = bulk.upsert_accounts([rows[n] for n in numbers], actor=actor, numbers=numbers)
    tick(total * 9 // 10, total)
    _bulk_report(result, numbers, report, by_number)


def _handlers() -> dict[str, Callable[[Any, list[Record], Options, Report, Progress], None]]:
    from interlock.imports.kinds_sales import import_deals
    from interlock.imports.kinds_users import import_users

    return {
        "contacts": import_contacts,
        "accounts": import_accounts,
        "deals": import_deals,
        "users": import_users,
    }


class _Lazy(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> Any:
        self.update(_handlers())
        return dict.__getitem__(self, key)


HANDLERS: dict[str, Callable[[Any, list[Record], Options, Report, Progress], None]] = _Lazy()

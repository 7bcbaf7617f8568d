"""The bulk path for accounts and contacts: create or upsert many rows at once.

Rows are dicts of model fields (``owner_id``, ``account_id`` as ids). Every row
is normalised and checked with the rules of :mod:`interlock.customers.services`
(e-mail, phone in E.164, domain, country, choices, lengths, duplicates by
e-mail / domain / external id, existing owner and account). Then, in one
transaction and without the ORM's per-object path (``executemany`` on SQLite,
``COPY`` on PostgreSQL), the records are written with one django-auditlog
entry each and the same ``account.created`` / ``contact.created`` (or
``*.updated``) events as the services, so timeline and search see them.

- :func:`bulk_create_accounts`, :func:`bulk_create_contacts`: all rows new;
  any invalid row raises one ``ValidationError`` naming the rows, nothing is
  written. ``created_at`` may be given (a demo seeds history); the event's
  ``occurred_at`` is then the same.
- :func:`upsert_accounts`, :func:`upsert_contacts`: match by external id, else
  by normalised domain / e-mail; update changed fields only (empty values do
  not overwrite); report created / updated / unchanged / invalid / duplicate
  rows. ``strict=True`` writes nothing when any row is invalid.
"""

# Table and column names in SQL come from the models' _meta; values are parameters.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from interlock.customers.bulk_rules import ACCOUNTS, CONTACTS, Problems, Spec, clean_all
from interlock.customers.bulk_write import (
    check_matches,
    check_references,
    existing,
    insert,
    update_rows,
)

_MAX_ERRORS = 50


@dataclass
class BulkResult:
    """What an upsert did, by row index (0-based, in the order given)."""

    ids: list[int | None]
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    invalid: dict[int, Problems] = field(default_factory=dict)
    duplicates: dict[int, int] = field(default_factory=dict)  # row -> first row with its key
    applied: bool = True

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "invalid": len(self.invalid),
            "duplicates": len(self.duplicates),
        }


def bulk_create_accounts(rows: Sequence[Mapping[str, Any]], *, actor: Any = None) -> list[int]:
    """Validate and write new accounts in one transaction; returns their ids in order."""
    return _create(ACCOUNTS, rows, actor)


def bulk_create_contacts(rows: Sequence[Mapping[str, Any]], *, actor: Any = None) -> list[int]:
    """Validate and write new contacts in one transaction; returns their ids in order."""
    return _create(CONTACTS, rows, actor)


def upsert_accounts(
    rows: Sequence[Mapping[str, Any]],
    *,
    actor: Any = None,
    strict: bool = False,
    numbers: Sequence[int] | None = None,
) -> BulkResult:
    """Create or update accounts; ``numbers`` name the rows in messages (default 1, 2, …)."""
    return _upsert(ACCOUNTS, rows, actor, strict=strict, numbers=numbers)


def upsert_contacts(
    rows: Sequence[Mapping[str, Any]],
    *,
    actor: Any = None,
    strict: bool = False,
    numbers: Sequence[int] | None = None,
) -> BulkResult:
    """Create or update contacts; ``numbers`` name the rows in messages (default 1, 2, …)."""
    return _upsert(CONTACTS, rows, actor, strict=strict, numbers=numbers)


def check_rows(kind: str, rows: Sequence[Mapping[str, Any]]) -> dict[int, Problems]:
    """The field problems of ``rows`` ("accounts" or "contacts") without reading the
    database (references and duplicates are not checked); writes nothing."""
    spec = ACCOUNTS if kind == "accounts" else CONTACTS
    return clean_all(spec, rows)[1]


def error_lines(problems: Mapping[int, Problems]) -> list[str]:
    """``row N: field: reason`` lines (1-based), at most 50 and a count of the rest."""
    numbers = sorted(problems)
    lines = [
        _("row %(row)s: %(problems)s")
        % {"row": n + 1, "problems": "; ".join(f"{f}: {m}" for f, m in problems[n])}
        for n in numbers[:_MAX_ERRORS]
    ]
    if len(numbers) > _MAX_ERRORS:
        lines.append(_("… and %(count)s more invalid rows") % {"count": len(numbers) - _MAX_ERRORS})
    return lines


# --- the shared steps ---------------------------------------------------------------


def _create(spec: Spec, rows: Sequence[Mapping[str, Any]], actor: Any) -> list[int]:
    if not rows:
        return []
    with transaction.atomic():
        cleaned, problems = clean_all(spec, rows)
        with connection.cursor() as cursor:
            keys = _in_batch_keys(spec, cleaned, problems, duplicates=None)
            ext_found, key_found = existing(cursor, spec, keys)
            for index, row in enumerate(cleaned):
                if row is None:
                    continue
                ext = row.get("external_id")
                if ext and ext in ext_found:
                    problems.setdefault(index, []).append(
                        ("external_id", _("a record with this external id exists already"))
                    )
                key = row.get(spec.key)
                if key and key in key_found:
                    problems.setdefault(index, []).append(
                        (
                            spec.key,
                            _("already used by %(what)s id %(id)s")
                            % {"what": spec.label, "id": key_found[key]},
                        )
                    )
            check_references(cursor, spec, cleaned, problems)
            if problems:
                raise ValidationError(error_lines(problems), code="invalid_rows")
            rows_ok = [r for r in cleaned if r is not None]
            return insert(cursor, spec, rows_ok, actor)


def _in_batch_keys(
    spec: Spec,
    cleaned: list[dict[str, Any] | None],
    problems: dict[int, Problems],
    duplicates: dict[int, int] | None,
    numbers: Sequence[int] | None = None,
) -> tuple[dict[str, int], dict[str, int]]:
    """The first row of each external id and key; a later row repeating one is a
    duplicate (upsert) or a problem (create); the same key under another
    external id is always a problem."""
    first_ext: dict[str, int] = {}
    first_key: dict[str, int] = {}

    def label(index: int) -> int:
        return numbers[index] if numbers is not None else index + 1

    for index, row in enumerate(cleaned):
        if row is None or index in problems:
            continue
        ext, key = row.get("external_id"), row.get(spec.key)
        if ext and ext in first_ext:
            earlier, name = first_ext[ext], "external_id"
        elif key and key in first_key:
            earlier, name = first_key[key], spec.key
            if ext:
                problems.setdefault(index, []).append(
                    (name, _("the same value is also in row %(row)s") % {"row": label(earlier)})
                )
                continue
        else:
            if ext:
                first_ext[ext] = index
            if key:
                first_key[key] = index
            continue
        if duplicates is not None:
            duplicates[index] = earlier
        else:
            problems.setdefault(index, []).append(
                (name, _("the same value is also in row %(row)s") % {"row": label(earlier)})
            )
    return first_ext, first_key


def _upsert(
    spec: Spec,
    rows: Sequence[Mapping[str, Any]],
    actor: Any,
    *,
    strict: bool,
    numbers: Sequence[int] | None = None,
) -> BulkResult:
    result = BulkResult(ids=[None] * len(rows))
    if not rows:
        return result
    with transaction.atomic():
        cleaned, problems = clean_all(spec, rows)
        with connection.cursor() as cursor:
            keys = _in_batch_keys(spec, cleaned, problems, result.duplicates, numbers)
            ext_found, key_found = existing(cursor, spec, keys)
            check_references(cursor, spec, cleaned, problems)
            matches: dict[int, int] = {}
            for index, row in enumerate(cleaned):
                if row is None or index in result.duplicates or index in problems:
                    continue
                ext, key = row.get("external_id"), row.get(spec.key)
                pk = ext_found.get(ext) if ext else None
                if pk is None and key:
                    pk = key_found.get(key)
                if pk is not None:
                    matches[index] = pk
            current = check_matches(
                cursor, spec, cleaned, matches, key_found, problems, result.duplicates
            )
            result.invalid = {i: problems[i] for i in sorted(problems)}
            if strict and result.invalid:
                result.applied = False
                return result
            new_rows = [
                i
                for i, row in enumerate(cleaned)
                if row is not None
                and i not in problems
                and i not in result.duplicates
                and i not in matches
            ]
            valid_matches = {i: pk for i, pk in matches.items() if i not in problems}
            ids = insert(cursor, spec, [cleaned[i] for i in new_rows], actor)  # type: ignore[misc]
            for index, pk in zip(new_rows, ids, strict=True):
                result.ids[index] = pk
                result.created.append(index)
            changed = update_rows(cursor, spec, cleaned, valid_matches, current, actor)
            for index, pk in valid_matches.items():
                result.ids[index] = pk
                (result.updated if index in changed else result.unchanged).append(index)
            result.updated.sort()
            result.unchanged.sort()
            for index, first in result.duplicates.items():
                result.ids[index] = result.ids[first]
    return result


__all__ = [
    "BulkResult",
    "bulk_create_accounts",
    "bulk_create_contacts",
    "check_rows",
    "error_lines",
    "upsert_accounts",
    "upsert_contacts",
]

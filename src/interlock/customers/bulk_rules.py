"""Row rules of the customers bulk path: which fields, their limits, how a row is checked.

Used by :mod:`interlock.customers.bulk`; the same rules as
:mod:`interlock.customers.services`, applied to many rows without the ORM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from interlock.customers.models import Account, Contact
from interlock.org import bulk as ob

Problems = list[tuple[str, str]]  # (field, reason)


@dataclass(frozen=True)
class Spec:
    model: type[Account] | type[Contact]
    label: str  # shown in messages
    key: str  # the de-duplication field: "domain" or "email"
    fields: tuple[str, ...]  # writable fields (attnames), in column order
    defaults: tuple[tuple[str, Any], ...]
    event: str  # "account" or "contact"


ACCOUNTS = Spec(
    model=Account,
    label="account",
    key="domain",
    fields=(
        "name",
        "domain",
        "industry",
        "size",
        "revenue_band",
        "country",
        "state",
        "region",
        "parent_id",
        "owner_id",
        "lifecycle",
        "external_id",
    ),
    defaults=(("lifecycle", Account.Lifecycle.PROSPECT.value),),
    event="account",
)
CONTACTS = Spec(
    model=Contact,
    label="contact",
    key="email",
    fields=(
        "first_name",
        "last_name",
        "email",
        "phone",
        "title",
        "buying_role",
        "account_id",
        "owner_id",
        "lifecycle_stage",
        "external_id",
    ),
    defaults=(),
    event="contact",
)
FK_FIELDS = {"parent_id", "owner_id", "account_id"}
_ALLOWED = {
    "account": frozenset(ACCOUNTS.fields) - {"parent_id"} | {"created_at"},
    "contact": frozenset(CONTACTS.fields) - {"lifecycle_stage"} | {"created_at"},
}


def _limits(model: type[Any]) -> dict[str, int]:
    return {
        f.attname: int(f.max_length)
        for f in model._meta.concrete_fields
        if getattr(f, "max_length", None)
    }


def _text(raw: Mapping[str, Any], name: str, limit: int, problems: Problems) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append((name, _("must be text")))
        return ""
    if "\x00" in value:
        problems.append((name, _("contains a NUL character")))
        return ""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            problems.append((name, _("is not valid Unicode text")))
            return ""
    value = value.strip()
    if len(value) > limit:
        problems.append((name, _("at most %(count)s characters") % {"count": limit}))
    return value


def _choice(value: str, name: str, choices: frozenset[str], problems: Problems) -> None:
    if value and value not in choices:
        problems.append(
            (
                name,
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": value[:100], "choices": ", ".join(sorted(choices))},
            )
        )


def _fk(raw: Mapping[str, Any], name: str, problems: Problems) -> int | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        problems.append((name, _("must be the id of a record")))
        return None
    return value


def _when(raw: Mapping[str, Any], problems: Problems) -> Any:
    from datetime import datetime

    from django.utils import timezone

    value = raw.get("created_at")
    if value is None:
        return None
    if not isinstance(value, datetime):
        problems.append(("created_at", _("must be a date and time")))
        return None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _message(exc: ValidationError, name: str) -> str:
    messages = exc.message_dict.get(name) if hasattr(exc, "error_dict") else exc.messages
    return str((messages or exc.messages)[0])


def _clean_account(raw: Mapping[str, Any], ctx: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    from interlock.customers.services import normalise_country, normalise_domain

    problems: Problems = []
    limits = ctx["limits"]
    row: dict[str, Any] = {}
    for name in (
        "name",
        "industry",
        "state",
        "region",
        "external_id",
        "size",
        "revenue_band",
        "lifecycle",
    ):
        if name in raw:
            row[name] = _text(raw, name, limits[name], problems)
    if not row.get("name"):
        problems.append(("name", _("Give the account a name.")))
    if raw.get("domain"):
        try:
            row["domain"] = normalise_domain(_text(raw, "domain", 2000, problems))
        except ValidationError as exc:
            problems.append(("domain", _message(exc, "domain")))
    elif "domain" in raw:
        row["domain"] = ""
    if raw.get("country"):
        text = _text(raw, "country", 200, problems)
        cache = ctx["countries"]
        if text not in cache:
            try:
                cache[text] = normalise_country(text)
            except ValidationError as exc:
                cache[text] = ValidationError(_message(exc, "country"))
        found = cache[text]
        if isinstance(found, ValidationError):
            problems.append(("country", found.messages[0]))
        else:
            row["country"] = found
    elif "country" in raw:
        row["country"] = ""
    for name in ("size", "revenue_band", "lifecycle"):
        _choice(row.get(name, ""), name, ctx["choices"][name], problems)
    if "owner_id" in raw:
        row["owner_id"] = _fk(raw, "owner_id", problems)
    if raw.get("created_at") is not None:
        row["created_at"] = _when(raw, problems)
    return row, problems


def _clean_contact(raw: Mapping[str, Any], ctx: dict[str, Any]) -> tuple[dict[str, Any], Problems]:
    from interlock.customers.services import normalise_phone

    problems: Problems = []
    limits = ctx["limits"]
    row: dict[str, Any] = {}
    for name in ("first_name", "last_name", "title", "external_id", "buying_role"):
        if name in raw:
            row[name] = _text(raw, name, limits[name], problems)
    if not row.get("last_name"):
        problems.append(("last_name", _("Enter the contact's last name.")))
    if "email" in raw:
        email = _text(raw, "email", limits["email"], problems).lower()
        if email and not ob.fast_email(email):
            problems.append(
                ("email", _("“%(value)s” is not a valid e-mail address.") % {"value": email[:100]})
            )
        row["email"] = email
    _choice(row.get("buying_role", ""), "buying_role", ctx["choices"]["buying_role"], problems)
    for name in ("account_id", "owner_id"):
        if name in raw:
            row[name] = _fk(raw, name, problems)
    if raw.get("phone"):
        phone = _text(raw, "phone", 100, problems)
        region = ctx["regions"].get(row.get("account_id"), "")
        try:
            row["phone"] = normalise_phone(phone, region)
        except ValidationError as exc:
            problems.append(("phone", _message(exc, "phone")))
    elif "phone" in raw:
        row["phone"] = ""
    if raw.get("created_at") is not None:
        row["created_at"] = _when(raw, problems)
    return row, problems


def clean_all(
    spec: Spec, rows: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any] | None], dict[int, Problems]]:
    model = spec.model
    ctx: dict[str, Any] = {
        "limits": _limits(model),
        "countries": {},
        "regions": {},
        "choices": {
            f.name: frozenset(str(k) for k, _label in f.choices)
            for f in model._meta.concrete_fields
            if f.choices
        },
    }
    allowed = _ALLOWED[spec.event]
    clean = _clean_account if spec is ACCOUNTS else _clean_contact
    if spec is CONTACTS:
        with_phone = {
            r.get("account_id") for r in rows if isinstance(r, Mapping) and r.get("phone")
        }
        with_phone.discard(None)
        wanted = [pk for pk in with_phone if isinstance(pk, int)]
        for start in range(0, len(wanted), 900):
            for pk, country in Account.objects.filter(
                pk__in=wanted[start : start + 900]
            ).values_list("pk", "country"):
                ctx["regions"][pk] = str(country or "")
    cleaned: list[dict[str, Any] | None] = []
    problems: dict[int, Problems] = {}
    for index, raw_row in enumerate(rows):
        if not isinstance(raw_row, Mapping):
            cleaned.append(None)
            problems[index] = [("", _("not a mapping of fields"))]
            continue
        row, wrong = clean(raw_row, ctx)
        if not allowed.issuperset(raw_row):
            unknown = ", ".join(sorted(map(str, set(raw_row) - allowed)))
            wrong.append(("", _("Unknown fields: %(fields)s") % {"fields": unknown}))
        if wrong:
            problems[index] = wrong
        cleaned.append(row)
    return cleaned, problems


# --- reading what exists ----------------------------------------------------------------

"""Fit-rule attributes and validation: which contact and account attributes a rule may read.

Split from ``scoring`` (which re-exports these names) so each file stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interlock.customers.models import Account, Contact
from interlock.leads.models import FitRule

Op = FitRule.Operator
Kind = Literal["text", "choice", "ordinal", "boolean"]
Source = Literal["contact", "account"]


FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "gmx.ch",
        "web.de",
        "t-online.de",
        "freenet.de",
        "arcor.de",
        "posteo.de",
        "mail.de",
        "outlook.com",
        "outlook.de",
        "hotmail.com",
        "hotmail.de",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.de",
        "icloud.com",
        "me.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
    }
)

OPERATORS: dict[Kind, tuple[str, ...]] = {
    "text": (
        Op.EQUALS,
        Op.NOT_EQUALS,
        Op.IN,
        Op.CONTAINS,
        Op.STARTS_WITH,
        Op.MATCHES,
        Op.IS_EMPTY,
        Op.IS_SET,
    ),
    "choice": (Op.EQUALS, Op.NOT_EQUALS, Op.IN, Op.IS_EMPTY, Op.IS_SET),
    "ordinal": (Op.EQUALS, Op.NOT_EQUALS, Op.IN, Op.AT_LEAST, Op.AT_MOST, Op.IS_EMPTY, Op.IS_SET),
    "boolean": (Op.EQUALS,),
}
NO_VALUE = frozenset({Op.IS_EMPTY, Op.IS_SET})
MAX_PATTERN = 200
# Nested quantifiers such as (a+)+ or (\w*)* backtrack exponentially.
_CATASTROPHIC = re.compile(r"\([^()]*[+*][^()]*\)\s*[+*{]")
_TRUE = {"true", "yes", "1", "ja", "wahr"}
_FALSE = {"false", "no", "0", "nein", "falsch"}


def email_domain(email: str) -> str:
    """The part after the first ``@`` (what the SQL expressions of the bulk path compute)."""
    return email.split("@")[1] if "@" in email else ""


@dataclass(frozen=True)
class Attribute:
    """One thing a fit rule may test. ``key`` groups attributes read from the same value."""

    name: str
    label: Promise
    kind: Kind
    source: Source
    key: str  # the raw column the value is derived from ("title", "email", "industry", ...)
    choices: tuple[tuple[str, str], ...] = ()
    derive: Callable[[str], str] = field(default=lambda raw: raw)

    @property
    def operators(self) -> tuple[str, ...]:
        return OPERATORS[self.kind]

    def order(self) -> list[str]:
        return [value for value, _label in self.choices]


def _is_free_mail(raw_email: str) -> str:
    return "true" if email_domain(raw_email).lower() in FREE_MAIL_DOMAINS else "false"


def _country_choices() -> tuple[tuple[str, str], ...]:
    from django_countries import countries

    return tuple((code, str(name)) for code, name in countries)


def _build_attributes() -> dict[str, Attribute]:
    c: Source = "contact"
    a: Source = "account"
    items = [
        Attribute("title", gettext_lazy("job title"), "text", c, "title"),
        Attribute(
            "buying_role",
            gettext_lazy("role in the buying centre"),
            "choice",
            c,
            "buying_role",
            tuple((str(v), str(lbl)) for v, lbl in Contact.BuyingRole.choices),
        ),
        Attribute(
            "email_domain", gettext_lazy("e-mail domain"), "text", c, "email", derive=email_domain
        ),
        Attribute(
            "free_mail",
            gettext_lazy("free-mail address"),
            "boolean",
            c,
            "email",
            derive=_is_free_mail,
        ),
        Attribute("industry", gettext_lazy("industry"), "text", a, "industry"),
        Attribute(
            "size",
            gettext_lazy("company size"),
            "ordinal",
            a,
            "size",
            tuple((str(v), str(lbl)) for v, lbl in Account.Size.choices),
        ),
        Attribute(
            "revenue_band",
            gettext_lazy("annual revenue"),
            "ordinal",
            a,
            "revenue_band",
            tuple((str(v), str(lbl)) for v, lbl in Account.RevenueBand.choices),
        ),
        Attribute("country", gettext_lazy("country"), "choice", a, "country"),
        Attribute("state", gettext_lazy("state"), "text", a, "state"),
        Attribute("region", gettext_lazy("region"), "text", a, "region"),
    ]
    return {item.name: item for item in items}


ATTRIBUTES: dict[str, Attribute] = _build_attributes()


def attribute_choices(attr: Attribute) -> tuple[tuple[str, str], ...]:
    if attr.name == "country":
        return _country_choices()
    return attr.choices


# --- validation -----------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _check_choice(attr: Attribute, items: list[str]) -> list[str]:
    allowed = {v.lower(): v for v, _label in attribute_choices(attr)}
    cleaned = []
    for item in items:
        if item.lower() not in allowed:
            names = list(allowed.values())
            shown = ", ".join(names[:30]) + (", …" if len(names) > 30 else "")
            raise ValidationError(
                {
                    "value": _(
                        "“%(value)s” is not a choice for %(attribute)s. Allowed: %(allowed)s."
                    )
                    % {"value": item, "attribute": attr.label, "allowed": shown}
                }
            )
        cleaned.append(allowed[item.lower()])
    return cleaned


def _check_pattern(value: str) -> None:
    if len(value) > MAX_PATTERN:
        raise ValidationError(
            {
                "value": _("The pattern is too long (at most %(max)d characters).")
                % {"max": MAX_PATTERN}
            }
        )
    try:
        re.compile(value)
    except re.error as exc:
        raise ValidationError(
            {
                "value": _("The pattern does not compile: %(error)s. Example: ^(CEO|CTO)$")
                % {"error": str(exc)}
            }
        ) from None
    if _CATASTROPHIC.search(value):
        raise ValidationError(
            {
                "value": _(
                    "The pattern repeats a repetition, e.g. (a+)+, which can take forever; "
                    "write it without the nested quantifier."
                )
            }
        )


def validate_rule(field_name: str, operator: str, value: str) -> str:
    """Check a fit rule; returns the value in its stored form or raises ValidationError."""
    attr = ATTRIBUTES.get(field_name)
    if attr is None:
        raise ValidationError(
            {
                "field": _("Unknown attribute “%(field)s”. Choose one of: %(allowed)s.")
                % {"field": field_name, "allowed": ", ".join(ATTRIBUTES)}
            }
        )
    if operator not in attr.operators:
        labels = ", ".join(str(Op(op).label) for op in attr.operators)
        raise ValidationError(
            {
                "operator": _("“%(operator)s” cannot be used with %(attribute)s. Use: %(allowed)s.")
                % {"operator": operator, "attribute": attr.label, "allowed": labels}
            }
        )
    value = (value or "").strip()
    if operator in NO_VALUE:
        return ""
    if not value:
        raise ValidationError({"value": _("Enter the value to compare with.")})
    if attr.kind == "boolean":
        lowered = value.lower()
        if lowered not in _TRUE | _FALSE:
            raise ValidationError({"value": _("Enter “true” or “false”.")})
        return "true" if lowered in _TRUE else "false"
    if operator == Op.MATCHES:
        _check_pattern(value)
        return value
    if operator == Op.IN:
        items = _split(value)
        if attr.kind in ("choice", "ordinal"):
            items = _check_choice(attr, items)
        return ", ".join(items)
    if attr.kind in ("choice", "ordinal"):
        return _check_choice(attr, [value])[0]
    return value


# --- evaluation -----------------------------------------------------------------------------


def rule_matches(rule: FitRule, actual: str) -> bool:
    """Whether the attribute value ``actual`` (derived, not None) meets ``rule``."""
    attr = ATTRIBUTES.get(rule.field)
    if attr is None:
        return False
    op, want = rule.operator, rule.value
    if op == Op.IS_EMPTY:
        return actual == ""
    if op == Op.IS_SET:
        return actual != ""
    have = actual.casefold()
    if op == Op.EQUALS:
        return have == want.casefold()
    if op == Op.NOT_EQUALS:
        return have != want.casefold()
    if op == Op.IN:
        return have in {item.casefold() for item in _split(want)}
    if op == Op.CONTAINS:
        return want.casefold() in have
    if op == Op.STARTS_WITH:
        return have.startswith(want.casefold())
    if op == Op.MATCHES:
        try:
            return re.search(want, actual, re.IGNORECASE) is not None
        except re.error:
            return False
    if op in (Op.AT_LEAST, Op.AT_MOST) and attr.kind == "ordinal":
        order = attr.order()
        if actual not in order or want not in order:
            return False
        diff = order.index(actual) - order.index(want)
        return diff >= 0 if op == Op.AT_LEAST else diff <= 0
    return False


def raw_values(contact: Contact) -> dict[str, str]:
    """The raw column values the attributes derive from (account ones empty without account)."""
    account = contact.account if contact.account_id else None
    values = {"title": contact.title or "", "buying_role": contact.buying_role or ""}
    values["email"] = contact.email or ""
    for name in ("industry", "size", "revenue_band", "state", "region"):
        values[name] = str(getattr(account, name) or "") if account is not None else ""
    values["country"] = str(account.country or "") if account is not None else ""
    return values

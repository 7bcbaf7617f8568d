"""Reading values as exports write them: dates, amounts, yes/no, names, bands.

Each parser returns the value or raises ``ValueError`` with a message for the
report.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "CHF": "CHF"}
_YES = {"1", "true", "yes", "y", "ja", "j", "wahr", "x"}
_NO = {"0", "false", "no", "n", "nein", "falsch", ""}


def parse_date(text: str) -> date:
    """ISO (2024-03-01, with or without time), German (1.3.2024), US (3/1/2024)."""
    value = text.strip()
    head = value.split("T", 1)[0].split(" ", 1)[0]
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", head):
            return date.fromisoformat("-".join(p.zfill(2) for p in head.split("-")))
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", head)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", head)
        if match:
            first, second = int(match[1]), int(match[2])
            if first > 12:  # day/month
                return date(int(match[3]), second, first)
            return date(int(match[3]), first, second)
    except ValueError:
        pass
    raise ValueError(
        _("“%(value)s” is not a date; use 2024-03-31, 31.03.2024 or 03/31/2024.")
        % {"value": value[:50]}
    )


def parse_datetime(text: str) -> datetime:
    """A date (midnight) or ISO date and time, in the site's time zone if none is given."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.combine(parse_date(value), time(0))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def parse_amount(text: str) -> tuple[Decimal, str]:
    """``1.234,56 €``, ``$1,234.56``, ``1234.5`` -> (amount, currency or "")."""
    value = text.strip()
    currency = ""
    for sign, code in _CURRENCY_SIGNS.items():
        if sign in value:
            currency = code
            value = value.replace(sign, "")
    match = re.search(r"\b([A-Z]{3})\b", value)
    if match:
        currency = match[1]
        value = value.replace(match[1], "")
    value = value.replace(" ", "").replace("\u00a0", "").replace("'", "")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        head, _sep, tail = value.rpartition(",")
        if len(tail) == 3 and value.count(",") >= 1 and head.replace(",", "").isdigit():
            value = value.replace(",", "")  # 1,234 -> thousands
        else:
            value = value.replace(",", ".")
    elif value.count(".") > 1:
        value = value.replace(".", "")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise ValueError(
            _("“%(value)s” is not an amount; use 1234.56 or 1.234,56.") % {"value": text[:50]}
        ) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValueError(
            _("“%(value)s” is not an amount between 0 and 999,999,999,999.") % {"value": text[:50]}
        )
    return amount.quantize(Decimal("0.01")), currency


def parse_bool(text: str) -> bool:
    value = text.strip().casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": text[:50]})


def split_name(full: str) -> tuple[str, str]:
    """``Jana Kessler`` -> (Jana, Kessler); ``Kessler, Jana`` -> (Jana, Kessler)."""
    full = " ".join(full.split())
    if "," in full:
        last, _sep, first = full.partition(",")
        return first.strip(), last.strip()
    first, _sep, last = full.rpartition(" ")
    return first, last


def size_band(text: str) -> str:
    """A number of employees (or a range such as 50-249) -> the account size band."""
    digits = re.findall(r"\d[\d.,]*", text)
    if not digits:
        raise ValueError(_("“%(value)s” is not a number of employees.") % {"value": text[:50]})
    count = int(re.sub(r"[.,]", "", digits[0]))
    for limit, band in ((9, "1-9"), (49, "10-49"), (249, "50-249"), (999, "250-999")):
        if count <= limit:
            return band
    return "1000+"


def revenue_band(text: str) -> str:
    """An annual revenue (in the account's currency, read as euros) -> the revenue band."""
    amount, _currency = parse_amount(text)
    for limit, band in (
        (2_000_000, "<2m"),
        (10_000_000, "2-10m"),
        (50_000_000, "10-50m"),
        (250_000_000, "50-250m"),
    ):
        if amount < limit:
            return band
    return "250m+"


_LIFECYCLE = {
    "prospect": "prospect",
    "lead": "prospect",
    "subscriber": "prospect",
    "opportunity": "prospect",
    "salesqualifiedlead": "prospect",
    "marketingqualifiedlead": "prospect",
    "interessent": "prospect",
    "customer": "customer",
    "kunde": "customer",
    "customerdirect": "customer",
    "customerchannel": "customer",
    "formercustomer": "former_customer",
    "former_customer": "former_customer",
    "ehemaligerkunde": "former_customer",
}


def lifecycle(text: str) -> str:
    key = re.sub(r"[^a-z_]", "", text.casefold().replace("-", ""))
    key = key.replace(" ", "")
    if key in _LIFECYCLE:
        return _LIFECYCLE[key]
    raise ValueError(
        _("“%(value)s” is not a lifecycle; use prospect, customer or former customer.")
        % {"value": text[:50]}
    )


def norm(text: str) -> str:
    """How names are compared: case and spacing do not matter."""
    return " ".join(text.casefold().split())

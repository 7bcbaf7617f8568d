"""What each kind of import can fill, and the presets for common CRM exports.

A mapping is ``{file column: field}``. Presets list, per field, the column
names the exports of HubSpot and Salesforce use (their report exports and
their API/Data Loader names); :func:`suggest` builds a mapping from a file's
header, a preset and/or a saved mapping, and also matches our own field names
and labels, so a file exported from Interlock maps itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # a lazy translation
    required: bool = False


FIELDS: dict[str, tuple[Field, ...]] = {
    "contacts": (
        Field("external_id", _("external id")),
        Field("first_name", _("first name")),
        Field("last_name", _("last name"), required=True),
        Field("full_name", _("full name (split into first and last)")),
        Field("email", _("e-mail")),
        Field("phone", _("phone")),
        Field("title", _("job title")),
        Field("buying_role", _("role in the buying centre")),
        Field("account_external_id", _("account: external id")),
        Field("account_name", _("account: name")),
        Field("owner", _("owner (e-mail, username or name)")),
        Field("created_at", _("created at")),
    ),
    "accounts": (
        Field("external_id", _("external id")),
        Field("name", _("name"), required=True),
        Field("domain", _("website domain")),
        Field("industry", _("industry")),
        Field("employees", _("number of employees")),
        Field("annual_revenue", _("annual revenue")),
        Field("country", _("country")),
        Field("state", _("state")),
        Field("region", _("region")),
        Field("lifecycle", _("lifecycle")),
        Field("owner", _("owner (e-mail, username or name)")),
        Field("created_at", _("created at")),
    ),
    "deals": (
        Field("external_id", _("external id")),
        Field("title", _("deal name"), required=True),
        Field("stage", _("stage"), required=True),
        Field("amount", _("amount")),
        Field("currency", _("currency")),
        Field("close_date", _("close date")),
        Field("account_external_id", _("account: external id")),
        Field("account_name", _("account: name")),
        Field("owner", _("owner (e-mail, username or name)")),
        Field("lost_reason", _("lost reason")),
        Field("won", _("won (yes/no)")),
        Field("created_at", _("created at")),
    ),
    "users": (
        Field("username", _("username")),
        Field("email", _("e-mail"), required=True),
        Field("first_name", _("first name")),
        Field("last_name", _("last name")),
        Field("full_name", _("full name (split into first and last)")),
        Field("title", _("job title")),
        Field("role", _("role")),
        Field("team", _("team or office")),
        Field("manager", _("manager (e-mail): becomes team lead")),
    ),
}

# Column names of the exports, per preset and kind: field -> spellings.
PRESETS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "hubspot": {
        "contacts": {
            "external_id": ("Record ID", "Contact ID", "hs_object_id"),
            "first_name": ("First Name", "firstname"),
            "last_name": ("Last Name", "lastname"),
            "email": ("Email", "email"),
            "phone": ("Phone Number", "Mobile Phone Number", "phone"),
            "title": ("Job Title", "jobtitle"),
            "account_external_id": ("Associated Company ID", "Primary Associated Company ID"),
            "account_name": ("Company Name", "Associated Company", "company"),
            "owner": ("Contact owner", "Contact Owner", "hubspot_owner_id"),
            "created_at": ("Create Date", "createdate"),
        },
        "accounts": {
            "external_id": ("Record ID", "Company ID", "hs_object_id"),
            "name": ("Company name", "Name", "name"),
            "domain": ("Company Domain Name", "Website URL", "domain"),
            "industry": ("Industry", "industry"),
            "employees": ("Number of Employees", "numberofemployees"),
            "annual_revenue": ("Annual Revenue", "annualrevenue"),
            "country": ("Country/Region", "Country", "country"),
            "state": ("State/Region", "state"),
            "lifecycle": ("Lifecycle Stage", "lifecyclestage"),
            "owner": ("Company owner", "Company Owner", "hubspot_owner_id"),
            "created_at": ("Create Date", "createdate"),
        },
        "deals": {
            "external_id": ("Record ID", "Deal ID", "hs_object_id"),
            "title": ("Deal Name", "dealname"),
            "stage": ("Deal Stage", "dealstage"),
            "amount": ("Amount", "amount"),
            "currency": ("Currency", "Deal currency code", "deal_currency_code"),
            "close_date": ("Close Date", "closedate"),
            "account_external_id": ("Associated Company ID", "Associated Company IDs"),
            "account_name": ("Associated Company", "Company name", "Associated Company Name"),
            "owner": ("Deal owner", "Deal Owner", "hubspot_owner_id"),
            "lost_reason": ("Closed Lost Reason", "closed_lost_reason"),
            "created_at": ("Create Date", "createdate"),
        },
    },
    "salesforce": {
        "contacts": {
            "external_id": ("Contact ID", "Id"),
            "first_name": ("First Name", "FirstName"),
            "last_name": ("Last Name", "LastName"),
            "email": ("Email",),
            "phone": ("Phone", "MobilePhone", "Mobile"),
            "title": ("Title",),
            "account_external_id": ("Account ID", "AccountId"),
            "account_name": ("Account Name", "Account.Name"),
            "owner": ("Contact Owner", "Owner Email", "OwnerId", "Owner.Email"),
            "created_at": ("Created Date", "CreatedDate"),
        },
        "accounts": {
            "external_id": ("Account ID", "Id"),
            "name": ("Account Name", "Name"),
            "domain": ("Website",),
            "industry": ("Industry",),
            "employees": ("Employees", "NumberOfEmployees"),
            "annual_revenue": ("Annual Revenue", "AnnualRevenue"),
            "country": ("Billing Country", "BillingCountry"),
            "state": ("Billing State/Province", "BillingState"),
            "lifecycle": ("Type",),
            "owner": ("Account Owner", "Owner Email", "OwnerId", "Owner.Email"),
            "created_at": ("Created Date", "CreatedDate"),
        },
        "deals": {
            "external_id": ("Opportunity ID", "Id"),
            "title": ("Opportunity Name", "Name"),
            "stage": ("Stage", "StageName"),
            "amount": ("Amount",),
            "currency": ("Opportunity Currency", "CurrencyIsoCode"),
            "close_date": ("Close Date", "CloseDate"),
            "account_external_id": ("Account ID", "AccountId"),
            "account_name": ("Account Name", "Account.Name"),
            "owner": ("Opportunity Owner", "Owner Email", "OwnerId", "Owner.Email"),
            "lost_reason": ("Loss Reason", "Loss_Reason__c"),
            "won": ("Won", "IsWon"),
            "created_at": ("Created Date", "CreatedDate"),
        },
    },
}
PRESET_CHOICES = (("hubspot", "HubSpot"), ("salesforce", "Salesforce"))


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.casefold())


def field_names(kind: str) -> list[str]:
    return [f.name for f in FIELDS[kind]]


def suggest(
    kind: str, headers: list[str], *, preset: str = "", saved: dict[str, str] | None = None
) -> dict[str, str]:
    """A mapping ``{column: field}`` for ``headers``; unmatched columns are left out."""
    known = set(field_names(kind))
    spellings: dict[str, str] = {}
    for f in FIELDS[kind]:
        spellings[_norm(f.name)] = f.name
        spellings[_norm(str(f.label))] = f.name
    if preset:
        for name, names in PRESETS.get(preset, {}).get(kind, {}).items():
            for spelling in names:
                spellings[_norm(spelling)] = name
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in headers:
        if saved and saved.get(column) in known:
            mapping[column] = saved[column]
            taken.add(saved[column])
    for column in headers:
        if column in mapping or not column:
            continue
        found = spellings.get(_norm(column))
        if found and found not in taken:
            mapping[column] = found
            taken.add(found)
    return mapping


def check_mapping(kind: str, mapping: dict[str, str], headers: list[str]) -> list[str]:
    """Problems of a mapping: unknown fields or columns, a field twice, a required one missing."""
    from django.utils.translation import gettext as _t

    problems = []
    known = set(field_names(kind))
    used: dict[str, str] = {}
    for column, name in mapping.items():
        if not name:
            continue
        if column not in headers:
            problems.append(_t("The file has no column “%(col)s”.") % {"col": column})
        if name not in known:
            problems.append(_t("“%(field)s” is not a field of this import.") % {"field": name})
        elif name in used:
            problems.append(
                _t("Both “%(a)s” and “%(b)s” are mapped to %(field)s; keep one.")
                % {"a": used[name], "b": column, "field": name}
            )
        used[name] = column
    fields = set(used)
    for f in FIELDS[kind]:
        if f.required and f.name not in fields:
            if f.name == "last_name" and "full_name" in fields:
                continue
            problems.append(
                _t("Map a column to the required field “%(field)s”.") % {"field": f.label}
            )
    return problems

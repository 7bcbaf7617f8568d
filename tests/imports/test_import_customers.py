"""Importing contacts and accounts: presets, dry run, strict, upsert, missing records."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from interlock.core.models import AuditEntry, Event
from interlock.customers.models import Account, Contact
from interlock.imports.models import ValueAlias
from interlock.org.models import Membership, User
from tests.conftest import People, naughty_strings
from tests.imports.helpers import reasons, run

pytestmark = pytest.mark.django_db

HUBSPOT_CONTACTS = """Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name,Contact owner
101,Jana,Kessler,Jana@Kessler.de,0711 123456,CEO,Kessler GmbH,member@example.com
102,Tom,,tom@brandt.de,,,Kessler GmbH,
103,Eva,Brandt,not-an-email,,,Brandt AG,ghost@example.com
104,Max,Weber,max@weber.de,,,,Lead Test
105,Jana,Kessler,jana@kessler.de,,,Kessler GmbH,
"""


def _counts(report: dict[str, Any]) -> dict[str, int]:
    return report["counts"]


def test_dry_run_reports_rows_and_writes_nothing(people: People) -> None:
    Account.objects.create(name="Kessler GmbH", domain="kessler.de")
    before = (Contact.objects.count(), Event.objects.count(), AuditEntry.objects.count())
    report = run(people.member, "contacts", HUBSPOT_CONTACTS, preset="hubspot", dry_run=True)
    assert (Contact.objects.count(), Event.objects.count(), AuditEntry.objects.count()) == before
    assert _counts(report) == {
        "rows": 5,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "invalid": 3,
        "duplicates": 0,
    }
    found = reasons(report)
    assert any("Last Name" in r for r in found[3])  # row 3 in the file: Tom without last name
    assert any("Email" in r and "not a valid" in r for r in found[4])
    assert any("Company Name" in r and "No account" in r for r in found[4])
    assert any("Contact owner" in r for r in found[4])
    assert report["preview"][0]["row"] == 2 and report["preview"][0]["email"] == "Jana@Kessler.de"
    assert not report["applied"] and report["dry_run"]
    # The same e-mail under another external id (row 6) is no duplicate but a conflict.
    assert found[6] == ["Email: the same value is also in row 2"]


def test_apply_lenient_then_reimport_is_idempotent(people: People) -> None:
    kessler = Account.objects.create(name="Kessler GmbH", domain="kessler.de")
    report = run(people.member, "contacts", HUBSPOT_CONTACTS, preset="hubspot")
    assert report["applied"] and _counts(report)["created"] == 2
    jana = Contact.objects.get(external_id="101")
    assert (jana.email, jana.phone, jana.account, jana.owner) == (
        "jana@kessler.de",
        "+49711123456",
        kessler,
        people.member,
    )
    assert Contact.objects.get(external_id="104").owner == people.lead  # by full name
    again = run(people.member, "contacts", HUBSPOT_CONTACTS, preset="hubspot")
    assert _counts(again)["created"] == 0 and _counts(again)["unchanged"] == 2
    assert Contact.objects.count() == 2


def test_strict_mode_applies_nothing_when_a_row_is_invalid(people: People) -> None:
    Account.objects.create(name="Kessler GmbH")
    report = run(people.member, "contacts", HUBSPOT_CONTACTS, preset="hubspot", strict=True)
    assert not report["applied"] and _counts(report)["invalid"] == 3
    assert not Contact.objects.exists() and not Event.objects.filter(type="contact.created")


def test_missing_accounts_and_owners_created_when_asked(people: People) -> None:
    report = run(
        people.admin,
        "contacts",
        HUBSPOT_CONTACTS,
        preset="hubspot",
        create_missing=frozenset({"owners", "accounts"}),
        team="Sales",
    )
    assert sorted(report["created_accounts"]) == ["Brandt AG", "Kessler GmbH"]
    assert report["created_owners"] == ["ghost@example.com"]
    ghost = User.objects.get(email="ghost@example.com")
    assert not ghost.is_active and Membership.objects.filter(user=ghost, team=people.sales).exists()
    assert Account.objects.filter(name="Brandt AG").count() == 1


def test_creating_owners_needs_user_management(people: People) -> None:
    with pytest.raises(PermissionDenied):
        run(
            people.member,
            "contacts",
            HUBSPOT_CONTACTS,
            preset="hubspot",
            create_missing=frozenset({"owners"}),
            team="Sales",
        )
    with pytest.raises(PermissionDenied):
        run(people.readonly, "contacts", HUBSPOT_CONTACTS, preset="hubspot")


def test_account_name_alias_is_used_and_reported(people: People) -> None:
    kessler = Account.objects.create(name="Kessler Maschinenbau GmbH")
    ValueAlias.objects.create(field="account", alias="kessler gmbh", value=kessler.name)
    report = run(
        people.member,
        "contacts",
        "Last Name,Company Name\nKessler,Kessler GmbH\n",
        preset="hubspot",
    )
    assert Contact.objects.get().account == kessler
    assert report["aliases"] == [
        {"field": "account", "value": "Kessler GmbH", "means": kessler.name, "rows": 1}
    ]


SALESFORCE_ACCOUNTS = """Account ID;Account Name;Website;Industry;Employees;Annual Revenue;Billing Country;Type
001A;Kessler GmbH;https://www.kessler.de;Maschinenbau;120;12.500.000,00;Germany;Customer
001B;Brandt AG;brandt.de;;9;;AT;Prospect
001C;;x.de;;;;;
001D;Weber;weber.de;;lots;;Narnia;
"""


def test_salesforce_accounts_with_bands_and_countries(people: People) -> None:
    report = run(people.member, "accounts", SALESFORCE_ACCOUNTS, preset="salesforce")
    kessler = Account.objects.get(external_id="001A")
    assert (
        kessler.domain,
        kessler.size,
        kessler.revenue_band,
        kessler.country.code,
        kessler.lifecycle,
    ) == ("kessler.de", "50-249", "10-50m", "DE", "customer")
    found = reasons(report)
    assert any("Account Name" in r for r in found[4])
    assert any("Employees" in r for r in found[5])
    assert _counts(report)["created"] == 2 and _counts(report)["invalid"] == 2
    # Re-import with a changed industry: updated by external id, audited.
    changed = SALESFORCE_ACCOUNTS.replace("Maschinenbau", "Anlagenbau")
    again = run(people.member, "accounts", changed, preset="salesforce")
    assert _counts(again)["updated"] == 1 and _counts(again)["unchanged"] == 1
    assert Account.objects.get(external_id="001A").industry == "Anlagenbau"


def test_naughty_strings_as_values_never_crash(people: People) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Last Name", "Job Title", "First Name"])
    strings = [s for s in naughty_strings() if "\x00" not in s]
    for s in strings:
        writer.writerow([s[:100], s[:150], s[:100]])
    report = run(people.member, "contacts", out.getvalue())
    counts = _counts(report)
    assert counts["created"] + counts["invalid"] + counts["duplicates"] == counts["rows"]
    assert Contact.objects.count() == counts["created"] > 400
    # Formula payloads are kept as text and flagged.
    assert any("formula" in w["reason"] for w in report["warnings"])


def test_a_crash_mid_import_leaves_nothing_half_written(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contacts are written, then writing their events fails: all of it is undone."""
    from interlock.org import bulk as org_bulk

    def explode(*args: Any, **kwargs: Any) -> list[int]:
        raise RuntimeError("power cut")

    monkeypatch.setattr(org_bulk, "write_events", explode)
    before = (Contact.objects.count(), AuditEntry.objects.count(), Event.objects.count())
    with pytest.raises(RuntimeError):
        run(
            people.admin,
            "contacts",
            HUBSPOT_CONTACTS,
            preset="hubspot",
            create_missing=frozenset({"accounts"}),
        )
    assert (Contact.objects.count(), AuditEntry.objects.count(), Event.objects.count()) == before
    assert not Account.objects.exists()  # the accounts created for the rows are gone too

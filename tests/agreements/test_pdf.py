"""The contract as a PDF: Latin-1 mapping, content, the download, naughty titles."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from interlock.agreements.contract import Contract, Party, SignatureLine
from interlock.agreements.pdf import contract_pdf, latin1
from tests.agreements.factories import make_active_agreement
from tests.conftest import naughty_strings

pytestmark = pytest.mark.django_db


def _document(title: str, **extra: Any) -> Contract:
    return Contract(
        title=title,
        number=2,
        status="active",
        status_label="active",
        language="en",
        parties=[
            Party("provider", "Provider", "Marketing", ["Mia Lead"]),
            Party("receiver", "Receiver", "Sales", []),
        ],
        purpose=extra.get("purpose", "Quick answers"),
        period="In force from 1 January 2026 until further notice.",
        terms=["Sales deals with every MQL within 8 business hours."],
        ladder=["At once after a breach: notify the assignee."],
        signatures=[
            SignatureLine(
                "provider", "Marketing", "Mia Lead", datetime(2026, 1, 2, tzinfo=UTC), "ab" * 32
            )
        ],
        fingerprint="ab" * 32,
    )


def test_latin1_keeps_german_and_replaces_the_rest() -> None:
    assert latin1("Größe „Übergabe“ – 5 €") == 'Größe "Übergabe" - 5 EUR'
    assert latin1("日本 ok") == "?? ok"
    assert latin1("a\x00b\u200bc\td") == "abc d"


def test_pdf_has_the_title_terms_and_signature() -> None:
    data = contract_pdf(_document("MQL-Übergabe"), compress=False)
    assert data.startswith(b"%PDF")
    assert "MQL-Übergabe".encode("latin-1") in data
    assert b"8 business hours" in data and b"Mia Lead" in data


def test_naughty_titles_never_crash_the_pdf() -> None:
    strings = naughty_strings()
    for start in range(0, len(strings), 60):
        chunk = strings[start : start + 60]
        data = contract_pdf(_document(" ".join(chunk)[:400], purpose="\n".join(chunk)))
        assert data.startswith(b"%PDF")


def test_download_is_an_attachment_in_the_chosen_language(people: Any, client_as: Any) -> None:
    made = make_active_agreement(people, title="MQL handoff")
    url = reverse("agreements:contract_pdf", args=[made.agreement.pk, 1])
    response = client_as("readonly").get(url, {"lang": "de"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="agreement-{made.agreement.pk}-v1-de.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert client_as("anon").get(url).status_code == 302

"""The contract document: plain sentences in English and German, and its fingerprint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils.translation import override

from interlock.agreements.contract import contract_for, step_sentence, term_sentence
from interlock.agreements.models import AgreementVersion, Term
from interlock.agreements.services_agreements import agreement_create, step_add, term_add
from interlock.core import deliverables
from tests.agreements.factories import TEST_KIND, register_test_kind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kind() -> Iterator[None]:
    register_test_kind()
    yield
    deliverables.unregister(TEST_KIND)


@pytest.fixture
def version(people: Any) -> AgreementVersion:
    agreement = agreement_create(
        actor=people.lead,
        provider_team=people.marketing,
        receiver_team=people.sales,
        title="MQL handoff",
        purpose="Quick answers.",
        effective_from=datetime(2026, 3, 2, 8, tzinfo=UTC),
    )
    return agreement.versions.get()


def _add(people: Any, version: AgreementVersion, **fields: Any) -> Term:
    return term_add(actor=people.lead, version=version, deliverable=TEST_KIND, **fields)


def test_term_sentences_in_english(people: Any, version: AgreementVersion) -> None:
    time = _add(people, version, type="time", hours=8, place="queue:a")
    assert term_sentence(time) == (
        "Sales (receiver) deals with every Test item delivered to Queue A within 8 business "
        "hours of Sales's calendar (at risk after 75 % of that time)."
    )
    quantity = _add(people, version, type="quantity", period="month", minimum=40, maximum=80)
    assert term_sentence(quantity) == (
        "Marketing delivers at least 40 (at most 80) Test item per month."
    )
    only_max = _add(people, version, type="quantity", period="week", maximum=5)
    assert term_sentence(only_max) == "Marketing delivers at most 5 Test item per week."
    quality = _add(
        people,
        version,
        type="quality",
        period="month",
        criterion={"attribute": "grade", "op": "gte", "value": "B"},
        target_percent=60,
        min_sample=20,
    )
    assert term_sentence(quality) == (
        "At least 60 % of each month's Test item meet the criterion “Grade B or better” "
        "(judged once at least 20 can be decided)."
    )
    no_risk = _add(people, version, type="time", hours="7.5", at_risk_percent=None)
    assert term_sentence(no_risk).endswith("within 7.5 business hours of Sales's calendar.")


def test_ladder_sentences(people: Any, version: AgreementVersion) -> None:
    now = step_add(
        actor=people.lead,
        version=version,
        trigger="breach",
        offset_hours=0,
        actions=["notify_assignee", "notify_team_lead"],
    )
    assert (
        step_sentence(now)
        == "At once after a breach: notify the assignee and notify the team lead."
    )
    later = step_add(
        actor=people.lead,
        version=version,
        trigger="breach",
        offset_hours=4,
        actions=["reassign_deputy"],
    )
    assert step_sentence(later) == "4 business hours after a breach: reassign to the deputy."
    risk = step_add(
        actor=people.lead,
        version=version,
        trigger="at_risk",
        offset_hours=0,
        actions=["notify_assignee"],
    )
    assert step_sentence(risk) == "As soon as it is at risk: notify the assignee."


def test_contract_in_english_and_german(people: Any, version: AgreementVersion) -> None:
    _add(people, version, type="time", hours="7.5")
    step_add(
        actor=people.lead,
        version=version,
        trigger="breach",
        offset_hours=0,
        actions=["notify_assignee"],
    )
    english = contract_for(version, language="en")
    assert english.title == "MQL handoff" and english.number == 1
    assert [(p.side, p.team, p.leads) for p in english.parties] == [
        ("provider", "Marketing", []),
        ("receiver", "Sales", ["Lead Test"]),
    ]
    assert english.period == "In force from March 2, 2026 until further notice."
    assert "7.5 business hours" in english.terms[0]
    assert english.ladder and english.signatures == []
    german = contract_for(version, language="de")
    assert german.language == "de"
    assert "2. März 2026" in german.period
    assert "7,5" in german.terms[0]
    # One fingerprint whatever the language it is read in.
    assert german.fingerprint == english.fingerprint
    with override("de"):
        assert contract_for(version).language == "de"


def test_fingerprint_changes_with_the_terms(people: Any, version: AgreementVersion) -> None:
    term = _add(people, version, type="time", hours=8)
    before = contract_for(version).fingerprint
    assert before == contract_for(version).fingerprint
    Term.objects.filter(pk=term.pk).update(hours=Decimal(9))
    assert contract_for(version).fingerprint != before

"""The life of a version: propose, sign by both leads → active, new version, supersede, end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.agreements.contract import contract_for
from interlock.agreements.models import AgreementVersion, Signature
from interlock.agreements.services_agreements import agreement_create, step_add, term_add
from interlock.agreements.services_signing import (
    agreement_new_version,
    agreement_terminate,
    version_propose,
    version_revise,
    version_sign,
    version_withdraw,
)
from interlock.core import deliverables
from interlock.core.models import Event
from interlock.org.models import Membership, WorkingHours
from tests.agreements.factories import TEST_KIND, register_test_kind
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
S = AgreementVersion.Status


@pytest.fixture(autouse=True)
def _kind() -> Iterator[None]:
    register_test_kind()
    yield
    deliverables.unregister(TEST_KIND)


@pytest.fixture
def mlead(people: Any) -> Any:
    """A team lead of Marketing (the fixture has none)."""
    user = make_user("mlead")
    Membership.objects.create(user=user, team=people.marketing, role=Membership.Role.LEAD)
    return user


def _proposed(people: Any, *, at: datetime = T0) -> AgreementVersion:
    agreement = agreement_create(
        actor=people.lead,
        provider_team=people.marketing,
        receiver_team=people.sales,
        title="MQLs",
        effective_from=T0,
    )
    version = agreement.versions.get()
    term_add(actor=people.lead, version=version, type="time", deliverable=TEST_KIND, hours=8)
    step_add(
        actor=people.lead,
        version=version,
        trigger="breach",
        offset_hours=0,
        actions=["notify_assignee"],
    )
    return version_propose(actor=people.lead, version=version, at=at)


def _signed(people: Any, mlead: Any, *, at: datetime = T0) -> AgreementVersion:
    version = _proposed(people, at=at)
    version_sign(actor=people.lead, version=version, at=at)
    version_sign(actor=mlead, version=version, at=at + timedelta(hours=1))
    version.refresh_from_db()
    return version


def test_both_leads_sign_and_the_version_becomes_active(people: Any, mlead: Any) -> None:
    version = _proposed(people)
    assert (version.status, version.proposed_at, version.proposed_by) == (
        S.PROPOSED,
        T0,
        people.lead,
    )
    first = version_sign(actor=people.lead, version=version, at=T0)  # side: the one led
    assert (first.side, first.team, first.user) == ("receiver", people.sales, people.lead)
    version.refresh_from_db()
    assert version.status == S.PROPOSED
    second = version_sign(actor=mlead, version=version, at=T0 + timedelta(hours=2))
    version.refresh_from_db()
    assert second.side == "provider"
    assert (version.status, version.activated_at) == (S.ACTIVE, T0 + timedelta(hours=2))
    # Both signatures prove the same contract text.
    assert first.content_hash == second.content_hash == contract_for(version).fingerprint
    assert len(first.content_hash) == 64
    types = list(Event.objects.order_by("id").values_list("type", flat=True))
    assert types[-4:] == [
        "agreement.proposed",
        "agreement.signed",
        "agreement.signed",
        "agreement.activated",
    ]
    payload = Event.objects.get(type="agreement.activated").payload
    assert payload["version"] == 1 and payload["receiver_team_id"] == people.sales.pk


def test_propose_needs_a_term_and_working_hours(people: Any) -> None:
    agreement = agreement_create(
        actor=people.lead, provider_team=people.marketing, receiver_team=people.sales, title="x"
    )
    version = agreement.versions.get()
    with pytest.raises(ValidationError, match="at least one term"):
        version_propose(actor=people.lead, version=version)
    term_add(actor=people.lead, version=version, type="time", deliverable=TEST_KIND, hours=8)
    WorkingHours.objects.filter(calendar__team=people.sales).delete()
    with pytest.raises(ValidationError, match="Sales has no working hours"):
        version_propose(actor=people.lead, version=version)
    version.refresh_from_db()
    assert version.status == S.DRAFT
    with pytest.raises(PermissionDenied):
        version_propose(actor=people.member, version=version)


def test_who_may_sign_and_when(people: Any, mlead: Any) -> None:
    version = _proposed(people)
    for name in ("admin", "manager", "member", "marketer", "readonly"):
        with pytest.raises(PermissionDenied):
            version_sign(actor=people.get(name), version=version)
    with pytest.raises(PermissionDenied):  # the Sales lead cannot sign for Marketing
        version_sign(actor=people.lead, version=version, side="provider")
    version_sign(actor=people.lead, version=version)
    with pytest.raises(ValidationError, match="signed this version already"):
        version_sign(actor=people.lead, version=version, side="receiver")
    assert Signature.objects.count() == 1


def test_a_draft_cannot_be_signed(people: Any) -> None:
    agreement = agreement_create(
        actor=people.lead, provider_team=people.marketing, receiver_team=people.sales, title="x"
    )
    with pytest.raises(ValidationError, match="Only a proposed version"):
        version_sign(actor=people.lead, version=agreement.versions.get())


def test_revise_clears_signatures_and_withdraw_ends_a_proposal(people: Any) -> None:
    version = _proposed(people)
    version_sign(actor=people.lead, version=version)
    version = version_revise(actor=people.lead, version=version)
    assert version.status == S.DRAFT and not version.signatures.exists()
    version_propose(actor=people.lead, version=version)
    version = version_withdraw(actor=people.lead, version=version, at=T0)
    assert (version.status, version.ended_at) == (S.WITHDRAWN, T0)
    with pytest.raises(ValidationError, match="Only a draft or proposal"):
        version_withdraw(actor=people.lead, version=version)


def test_a_new_version_copies_and_supersedes_once_signed(people: Any, mlead: Any) -> None:
    v1 = _signed(people, mlead)
    v2 = agreement_new_version(actor=people.lead, agreement=v1.agreement)
    assert (v2.number, v2.status) == (2, S.DRAFT)
    assert [(t.type, t.hours) for t in v2.terms.all()] == [
        (t.type, t.hours) for t in v1.terms.all()
    ]
    assert [s.actions for s in v2.ladder.all()] == [s.actions for s in v1.ladder.all()]
    with pytest.raises(ValidationError, match="still open"):
        agreement_new_version(actor=people.lead, agreement=v1.agreement)
    later = datetime(2026, 6, 1, 9, tzinfo=UTC)
    version_propose(actor=people.lead, version=v2, at=later)
    version_sign(actor=people.lead, version=v2, at=later)
    v1.refresh_from_db()
    assert v1.status == S.ACTIVE  # one signature is not enough
    version_sign(actor=mlead, version=v2, at=later)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v2.status, v2.activated_at) == (S.ACTIVE, later)
    assert v1.status == S.SUPERSEDED
    assert v1.ended_at == max(later, v2.effective_from)
    assert "version 2" in v1.end_note
    # The old version stays readable with its terms and signatures.
    assert v1.terms.count() == 1 and v1.signatures.count() == 2
    assert Event.objects.filter(type="agreement.superseded", subject_id=v1.pk).exists()


def test_terminate_needs_a_reason_and_an_active_version(people: Any, mlead: Any) -> None:
    draft = _proposed(people)
    with pytest.raises(ValidationError, match="Only an active agreement"):
        agreement_terminate(actor=people.lead, agreement=draft.agreement, reason="x")
    version = _signed(people, mlead)
    with pytest.raises(ValidationError, match="why"):
        agreement_terminate(actor=people.lead, agreement=version.agreement, reason="  ")
    with pytest.raises(PermissionDenied):
        agreement_terminate(actor=people.marketer, agreement=version.agreement, reason="x")
    end = T0 + timedelta(days=30)
    ended = agreement_terminate(
        actor=people.lead, agreement=version.agreement, reason="Teams merged", at=end
    )
    assert (ended.status, ended.ended_at, ended.end_note) == (S.TERMINATED, end, "Teams merged")
    assert Event.objects.filter(type="agreement.terminated").count() == 1
    with pytest.raises(ValidationError, match="terminated"):
        agreement_new_version(actor=people.lead, agreement=version.agreement)

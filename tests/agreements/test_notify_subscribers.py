"""Agreement and dispute events notify the team leads of both sides (once)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from interlock.agreements.models import BreachDispute
from interlock.agreements.services_disputes import breach_dispute_decide, breach_dispute_raise
from interlock.core import events
from interlock.notify.models import Notification
from interlock.org.models import Membership
from tests.agreements.access_disputes import make_agreement, make_obligation
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _deliver() -> None:
    events.deliver()


def test_proposed_and_activated_notify_both_leads(people: Any) -> None:
    boss = make_user("mlead")
    Membership.objects.create(user=boss, team=people.marketing, role=Membership.Role.LEAD)
    agreement = make_agreement(people)
    version = agreement.versions.get()
    with transaction.atomic():
        events.record(
            "agreement.proposed",
            subject=version,
            actor=boss,
            payload={"agreement_id": agreement.pk},
        )
    _deliver()
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["lead"]
    assert Notification.objects.get().title == "Please review and sign “MQL handoff”"
    with transaction.atomic():
        events.record(
            "agreement.activated", subject=version, payload={"agreement_id": agreement.pk}
        )
    _deliver()
    events.replay("agreements.notify.activated")  # a replay notifies nobody twice
    assert Notification.objects.filter(topic="agreement.activated").count() == 2


def test_dispute_raised_and_settled(people: Any) -> None:
    boss = make_user("mlead")
    Membership.objects.create(user=boss, team=people.marketing, role=Membership.Role.LEAD)
    dispute = breach_dispute_raise(
        actor=people.member, obligation=make_obligation(people), reason="Holiday"
    )
    _deliver()
    raised = Notification.objects.filter(topic="breach_dispute.raised")
    assert set(raised.values_list("recipient__username", flat=True)) == {"lead", "mlead"}
    breach_dispute_decide(actor=people.lead, dispute=dispute, decision="waived")
    breach_dispute_decide(actor=boss, dispute=BreachDispute.objects.get(), decision="waived")
    _deliver()
    settled = Notification.objects.filter(topic="breach_dispute.settled")
    assert set(settled.values_list("recipient__username", flat=True)) == {"lead", "member"}
    assert "waived" in settled.first().title

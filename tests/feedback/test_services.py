from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from interlock.core.models import Event
from interlock.feedback import services
from interlock.feedback.models import Complaint, Idea, IdeaRequest, IdeaVote
from tests.feedback import factories as f

S = Complaint.Status


def _events(kind: str) -> list[Event]:
    return list(Event.objects.filter(type=kind).order_by("pk"))


def test_create_records_event_with_targets(people: Any) -> None:
    acc = f.account()
    con = f.contact(acc)
    c = f.complaint(people.member, acc, contact=con, severity="high")
    assert c.status == S.NEW
    (event,) = _events("complaint.created")
    assert event.payload["account_id"] == acc.pk
    assert event.payload["contact_id"] == con.pk
    assert event.payload["severity"] == "high"


def test_readonly_cannot_write(people: Any) -> None:
    with pytest.raises(PermissionDenied):
        f.complaint(people.readonly)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_create_rejects_bad_fields(people: Any, extra: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        f.complaint(people.member, **extra)
    assert field in exc.value.message_dict
    assert not Complaint.objects.exists()


def test_contact_of_other_account_rejected(people: Any) -> None:
    other = f.contact(f.account("Other"))
    with pytest.raises(ValidationError) as exc:
        f.complaint(people.member, f.account("Mine"), contact=other)
    assert "contact" in exc.value.message_dict


def test_retired_category_rejected(people: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        f.complaint(people.member, category=f.category("Alt", active=False))
    assert "category" in exc.value.message_dict


def test_first_response_only_once(people: Any) -> None:
    c = f.complaint(people.member)
    first = services.complaint_respond(actor=people.member, complaint=c)
    assert first.first_response_at is not None
    assert first.status == S.IN_PROGRESS
    again = services.complaint_respond(
        actor=people.lead, complaint=c, at=timezone.now() + timedelta(hours=5)
    )
    assert again.first_response_at == first.first_response_at
    assert len(_events("complaint.first_response")) == 1


def test_response_before_creation_rejected(people: Any) -> None:
    c = f.complaint(people.member)
    with pytest.raises(ValidationError):
        services.complaint_respond(
            actor=people.member, complaint=c, at=c.created_at - timedelta(days=1)
        )


def test_full_lifecycle(people: Any) -> None:
    c = f.complaint(people.member)
    c = services.complaint_set_status(actor=people.member, complaint=c, status=S.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        services.complaint_set_status(actor=people.member, complaint=c, status=S.RESOLVED)
    assert "resolution" in exc.value.message_dict
    c = services.complaint_set_status(
        actor=people.member, complaint=c, status=S.RESOLVED, resolution="Ersatz geliefert"
    )
    assert c.resolved_at is not None and c.first_response_at is not None
    assert _events("complaint.resolved")[0].payload["account_id"] == c.account_id
    c = services.complaint_set_status(actor=people.member, complaint=c, status=S.IN_PROGRESS)
    assert c.resolved_at is None
    assert _events("complaint.reopened")
    c = services.complaint_set_status(
        actor=people.member, complaint=c, status=S.RESOLVED, resolution="Nochmal"
    )
    c = services.complaint_set_status(actor=people.member, complaint=c, status=S.CLOSED)
    assert c.closed_at is not None
    assert len(_events("complaint.resolved")) == 2
    assert len(_events("complaint.closed")) == 1


ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.mark.parametrize(("old", "new"), ALL_PAIRS)
def test_transition_table(people: Any, old: str, new: str) -> None:
    c = f.complaint(people.member)
    Complaint.objects.filter(pk=c.pk).update(status=old, resolution="fixed")
    allowed = new in services.TRANSITIONS[old]
    if allowed:
        c = services.complaint_set_status(actor=people.member, complaint=c, status=new)
        assert c.status == new
    else:
        with pytest.raises(ValidationError):
            services.complaint_set_status(actor=people.member, complaint=c, status=new)
        c.refresh_from_db()
        assert c.status == old
    assert allowed == (
        (old, new)
        in {
            ("new", "in_progress"),
            ("in_progress", "resolved"),
            ("resolved", "closed"),
            ("resolved", "in_progress"),
        }
    )


def test_unknown_status(people: Any) -> None:
    c = f.complaint(people.member)
    with pytest.raises(ValidationError):
        services.complaint_set_status(actor=people.member, complaint=c, status="gone")


@pytest.mark.parametrize("value", [0, 6, -1, 100])
def test_satisfaction_range(people: Any, value: int) -> None:
    c = f.complaint(people.member)
    Complaint.objects.filter(pk=c.pk).update(status=S.RESOLVED)
    with pytest.raises(ValidationError):
        services.complaint_rate(actor=people.member, complaint=c, satisfaction=value)


def test_satisfaction_only_when_done(people: Any) -> None:
    c = f.complaint(people.member)
    with pytest.raises(ValidationError) as exc:
        services.complaint_rate(actor=people.member, complaint=c, satisfaction=4)
    assert "satisfaction" in exc.value.message_dict
    Complaint.objects.filter(pk=c.pk).update(status=S.CLOSED)
    c = services.complaint_rate(actor=people.member, complaint=c, satisfaction=4)
    assert c.satisfaction == 4


def test_db_check_satisfaction(people: Any) -> None:
    c = f.complaint(people.member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=c.pk).update(satisfaction=9)


def test_update_and_unknown_fields(people: Any) -> None:
    c = f.complaint(people.member)
    c = services.complaint_update(
        actor=people.member, complaint=c, title=" Neu ", severity="critical", root_cause="Lager"
    )
    assert (c.title, c.severity, c.root_cause) == ("Neu", "critical", "Lager")
    with pytest.raises(ValidationError):
        services.complaint_update(actor=people.member, complaint=c, status="closed")


def test_delete_goes_to_trash(people: Any) -> None:
    c = f.complaint(people.member)
    services.complaint_delete(actor=people.member, complaint=c)
    assert not Complaint.objects.filter(pk=c.pk).exists()
    assert Complaint.all_objects.get(pk=c.pk).deleted_at is not None


def test_category_upkeep(people: Any) -> None:
    cat = services.category_create(actor=people.member, name=" Rechnung ")
    assert cat.name == "Rechnung"
    with pytest.raises(ValidationError):
        services.category_create(actor=people.member, name="Rechnung")
    cat = services.category_update(actor=people.member, category=cat, active=False)
    assert not cat.active
    with pytest.raises(PermissionDenied):
        services.category_create(actor=people.readonly, name="X")


# --- ideas ---------------------------------------------------------------------------


def test_vote_once(people: Any) -> None:
    idea = f.idea(people.member)
    assert services.idea_vote(actor=people.member, idea=idea) is True
    assert services.idea_vote(actor=people.member, idea=idea) is False
    assert IdeaVote.objects.filter(idea=idea).count() == 1
    assert services.idea_unvote(actor=people.member, idea=idea) is True
    assert services.idea_unvote(actor=people.member, idea=idea) is False
    assert not IdeaVote.objects.exists()


def test_vote_race_lost_to_constraint(people: Any) -> None:
    """The loser of a concurrent double vote hits the unique constraint, not a 500."""
    idea = f.idea(people.member)
    IdeaVote.objects.create(idea=idea, user=people.lead)  # the other request won
    assert services.idea_vote(actor=people.lead, idea=idea) is False
    assert IdeaVote.objects.filter(idea=idea).count() == 1


def test_readonly_cannot_vote(people: Any) -> None:
    idea = f.idea(people.member)
    with pytest.raises(PermissionDenied):
        services.idea_vote(actor=people.readonly, idea=idea)


def test_link_account_once_and_timeline_event(people: Any) -> None:
    idea = f.idea(people.member)
    acc = f.account()
    services.idea_link_account(actor=people.member, idea=idea, account=acc, note="dringend")
    services.idea_link_account(actor=people.member, idea=idea, account=acc)
    assert IdeaRequest.objects.filter(idea=idea).count() == 1
    (event,) = _events("idea.requested")
    assert event.payload["account_id"] == acc.pk
    services.idea_unlink_account(actor=people.member, idea=idea, account=acc)
    assert not IdeaRequest.objects.exists()


def test_idea_status_and_update(people: Any) -> None:
    idea = f.idea(people.member)
    idea = services.idea_set_status(actor=people.member, idea=idea, status="planned")
    assert idea.status == "planned"
    with pytest.raises(ValidationError):
        services.idea_set_status(actor=people.member, idea=idea, status="maybe")
    with pytest.raises(ValidationError):
        services.idea_update(actor=people.member, idea=idea, title="")
    with pytest.raises(ValidationError):
        services.idea_update(actor=people.member, idea=idea, status="new")


def test_idea_link_complaint_and_delete(people: Any) -> None:
    idea = f.idea(people.member)
    c = f.complaint(people.member)
    services.idea_link_complaint(actor=people.member, idea=idea, complaint=c)
    services.idea_link_complaint(actor=people.member, idea=idea, complaint=c)
    assert list(idea.complaints.all()) == [c]
    services.idea_delete(actor=people.member, idea=idea)
    assert not Idea.objects.filter(pk=idea.pk).exists()


class SatisfactionProperty(HypothesisTestCase):
    """Any integer: 1–5 is stored on a resolved complaint, anything else is refused."""

    @classmethod
    def setUpTestData(cls) -> None:
        from tests.conftest import make_user

        cls.user = make_user("prop")
        cls.complaint = f.complaint(cls.user)
        Complaint.objects.filter(pk=cls.complaint.pk).update(status=S.RESOLVED)

    @settings(max_examples=40, deadline=None)
    @given(st.integers(min_value=-(2**40), max_value=2**40))
    def test_range(self, value: int) -> None:
        if 1 <= value <= 5:
            c = services.complaint_rate(
                actor=self.user, complaint=self.complaint, satisfaction=value
            )
            assert c.satisfaction == value
        else:
            with pytest.raises(ValidationError):
                services.complaint_rate(
                    actor=self.user, complaint=self.complaint, satisfaction=value
                )

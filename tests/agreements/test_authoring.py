"""Authoring agreements: create, templates, terms, ladder, and the refusals with clear messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.agreements import catalog
from interlock.agreements.models import AgreementVersion, Term
from interlock.agreements.services_agreements import (
    agreement_create,
    agreement_from_template,
    step_add,
    step_remove,
    term_add,
    term_remove,
    term_update,
    version_update,
)
from interlock.agreements.services_signing import version_propose
from interlock.core import deliverables
from interlock.core.deliverables import Attribute, DeliverableKind
from interlock.core.models import Event
from interlock.core.trash import trash_move
from tests.conftest import make_team

pytestmark = pytest.mark.django_db

KEYS = ("lead.handoff", "lead.rejection_feedback", "deal.handover", "complaint.first_response")


def _standin(key: str) -> DeliverableKind:
    from interlock.org.models import Team

    def places() -> list[tuple[str, str]]:
        if key != "lead.handoff":
            return []
        return [(f"team:{t.pk}", t.name) for t in Team.objects.filter(function="sales")]

    return DeliverableKind(
        key=key,
        label=key,
        description=key,
        delivered_by=frozenset({f"{key}.delivered"}),
        fulfilled_by=frozenset({f"{key}.done"}),
        delivery=lambda event: None,
        instance_key=lambda event: None,
        attributes={
            "accepted": Attribute("accepted", "accepted", "bool"),
            "fields_complete": Attribute("fields_complete", "fields complete", "bool"),
        },
        places=places,
    )


@pytest.fixture
def standin_kinds() -> Iterator[dict[str, Any]]:
    added = [k for k in KEYS if k not in deliverables.kinds()]
    for key in added:
        deliverables.register(_standin(key))
    yield deliverables.kinds()
    for key in added:
        deliverables.unregister(key)


def _draft(people: Any) -> AgreementVersion:
    agreement = agreement_create(
        actor=people.lead,
        provider_team=people.marketing,
        receiver_team=people.sales,
        title="MQLs",
    )
    return agreement.versions.get()


def _message(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


# ------------------------------------------------------------------ agreements


def test_create_makes_a_draft_version_one_and_an_event(people: Any) -> None:
    agreement = agreement_create(
        actor=people.lead,
        provider_team=people.marketing,
        receiver_team=people.sales,
        title="  MQL handoff ",
        purpose="Quick answers",
    )
    version = agreement.versions.get()
    assert (version.number, version.status, version.title) == (1, "draft", "MQL handoff")
    assert version.effective_from is not None and version.effective_to is None
    event = Event.objects.get(type="agreement.created")
    assert event.payload["agreement_id"] == agreement.pk
    assert event.payload["provider_team_id"] == people.marketing.pk


def test_create_refuses_the_same_team_twice_and_trashed_teams(people: Any) -> None:
    with pytest.raises(ValidationError, match="two different teams"):
        agreement_create(
            actor=people.lead, provider_team=people.sales, receiver_team=people.sales, title="x"
        )
    old = make_team("Old", "old")
    trash_move(obj=old, actor=people.admin)
    with pytest.raises(ValidationError, match="trash"):
        agreement_create(
            actor=people.admin, provider_team=old, receiver_team=people.sales, title="x"
        )
    with pytest.raises(ValidationError, match="title"):
        agreement_create(
            actor=people.lead, provider_team=people.marketing, receiver_team=people.sales, title=" "
        )


def test_create_refuses_an_end_before_the_start(people: Any) -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    with pytest.raises(ValidationError, match="end after"):
        agreement_create(
            actor=people.lead,
            provider_team=people.marketing,
            receiver_team=people.sales,
            title="x",
            effective_from=start,
            effective_to=start - timedelta(days=1),
        )


def test_only_leads_of_a_side_or_oversight_draft(people: Any) -> None:
    for name in ("member", "marketer", "readonly"):
        with pytest.raises(PermissionDenied):
            agreement_create(
                actor=people.get(name),
                provider_team=people.marketing,
                receiver_team=people.sales,
                title="x",
            )
    support = make_team("Support", "support")
    with pytest.raises(PermissionDenied):  # lead of Sales, but not a party
        agreement_create(
            actor=people.lead, provider_team=people.marketing, receiver_team=support, title="x"
        )
    assert agreement_create(
        actor=people.manager, provider_team=people.marketing, receiver_team=support, title="x"
    )


def test_version_update_edits_a_draft_and_mirrors_the_title(people: Any) -> None:
    version = _draft(people)
    end = version.effective_from + timedelta(days=365)
    version_update(actor=people.lead, version=version, title="New", effective_to=end)
    version.refresh_from_db()
    assert (version.title, version.effective_to, version.agreement.title) == ("New", end, "New")
    version_update(actor=people.lead, version=version, clear_effective_to=True)
    version.refresh_from_db()
    assert version.effective_to is None
    with pytest.raises(ValidationError, match="end after"):
        version_update(actor=people.lead, version=version, effective_to=version.effective_from)


# ------------------------------------------------------------------ templates


@pytest.mark.parametrize("key", [t.key for t in catalog.templates()])
def test_every_template_builds_a_valid_draft(people: Any, standin_kinds: Any, key: str) -> None:
    support = make_team("Support", "support")
    template = catalog.get(key)
    teams = {"marketing": people.marketing, "sales": people.sales, "customer_success": support}
    provider = teams.get(template.provider_function, people.sales)
    receiver = teams[template.receiver_function]
    agreement = agreement_from_template(
        actor=people.admin, template_key=key, provider_team=provider, receiver_team=receiver
    )
    version = agreement.versions.get()
    assert agreement.template == key and version.status == "draft"
    assert version.terms.count() >= 1 and version.ladder.count() >= 2


def test_mql_template_terms_and_ladder(people: Any, standin_kinds: Any) -> None:
    agreement = agreement_from_template(
        actor=people.lead,
        template_key="mql_handoff",
        provider_team=people.marketing,
        receiver_team=people.sales,
    )
    version = agreement.versions.get()
    time, quantity, quality = version.terms.all()
    assert (time.hours, time.at_risk_percent, time.place) == (
        Decimal("8.00"),
        75,
        f"team:{people.sales.pk}",
    )
    assert (quantity.period, quantity.minimum) == ("month", 40)
    assert quality.criterion == {"attribute": "accepted", "op": "is", "value": True}
    assert (quality.target_percent, quality.min_sample) == (Decimal("60.00"), 20)
    ladder = [(s.trigger, s.offset_hours, s.actions) for s in version.ladder.all()]
    assert ladder == [
        ("at_risk", Decimal("0.00"), ["notify_assignee"]),
        ("breach", Decimal("0.00"), ["notify_assignee", "notify_team_lead"]),
        ("breach", Decimal("4.00"), ["reassign_deputy"]),
        ("breach", Decimal("8.00"), ["notify_management", "meeting_agenda"]),
    ]


def test_unknown_template_is_refused(people: Any) -> None:
    with pytest.raises(ValidationError, match="not a template"):
        agreement_from_template(
            actor=people.lead,
            template_key="nope",
            provider_team=people.marketing,
            receiver_team=people.sales,
        )


# ------------------------------------------------------------------ terms


@pytest.fixture
def kind() -> Iterator[DeliverableKind]:
    registered = deliverables.register(
        DeliverableKind(
            key="h3.item",
            label="item",
            description="",
            delivered_by=frozenset({"h3.delivered"}),
            fulfilled_by=frozenset({"h3.done"}),
            delivery=lambda event: None,
            instance_key=lambda event: None,
            attributes={"good": Attribute("good", "good", "bool")},
            places=lambda: [("queue:a", "Queue A")],
        )
    )
    yield registered
    deliverables.unregister("h3.item")


def test_terms_of_each_type_are_added_in_order(people: Any, kind: Any) -> None:
    version = _draft(people)
    time = term_add(
        actor=people.lead, version=version, type="time", deliverable="h3.item", hours="7.5"
    )
    quantity = term_add(
        actor=people.lead,
        version=version,
        type="quantity",
        deliverable="h3.item",
        period="week",
        minimum=5,
        maximum=9,
        hours=3,  # not a quantity field: cleared
    )
    quality = term_add(
        actor=people.lead,
        version=version,
        type="quality",
        deliverable="h3.item",
        place="queue:a",
        period="month",
        criterion={"attribute": "good", "op": "is", "value": True},
        target_percent=80,
        min_sample=10,
    )
    assert [t.pk for t in version.terms.all()] == [time.pk, quantity.pk, quality.pk]
    assert time.hours == Decimal("7.50") and quantity.hours is None
    assert quality.target_percent == Decimal("80.00")


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"type": "time", "hours": 0}, "hours", "more than 0"),
        ({"type": "time", "hours": -2}, "hours", "more than 0"),
        ({"type": "time", "hours": None}, "hours", "duration"),
        ({"type": "time", "hours": "abc"}, "hours", "number"),
        ({"type": "time", "hours": 8, "at_risk_percent": 100}, "at_risk_percent", "1 and 99"),
        ({"type": "time", "hours": 8, "at_risk_percent": 0}, "at_risk_percent", "1 and 99"),
        ({"type": "time", "hours": 8, "place": "queue:z"}, "place", "not a place"),
        ({"type": "time", "hours": 8, "deliverable": "nope"}, "deliverable", "not a known"),
        ({"type": "size", "hours": 8}, "type", "time, quantity or quality"),
        ({"type": "quantity", "minimum": 3}, "period", "period"),
        ({"type": "quantity", "period": "month"}, "minimum", "minimum"),
        ({"type": "quantity", "period": "month", "minimum": 0}, "minimum", "at least 1"),
        ({"type": "quantity", "period": "day", "minimum": 3}, "period", "week, month"),
        (
            {"type": "quantity", "period": "month", "minimum": 5, "maximum": 4},
            "maximum",
            "below the minimum",
        ),
        (
            {
                "type": "quality",
                "period": "month",
                "target_percent": 50,
                "criterion": {"attribute": "colour", "op": "is", "value": True},
            },
            "criterion",
            "colour",
        ),
        (
            {
                "type": "quality",
                "period": "month",
                "target_percent": 101,
                "criterion": {"attribute": "good", "op": "is", "value": True},
            },
            "target_percent",
            "0 and 100",
        ),
        (
            {
                "type": "quality",
                "period": "month",
                "target_percent": 50,
                "min_sample": 0,
                "criterion": {"attribute": "good", "op": "is", "value": True},
            },
            "min_sample",
            "at least 1",
        ),
        ({"type": "quality", "period": "month", "target_percent": 50}, "criterion", "criterion"),
    ],
)
def test_bad_terms_are_refused_with_the_field(
    people: Any, kind: Any, fields: dict[str, Any], field: str, words: str
) -> None:
    version = _draft(people)
    with pytest.raises(ValidationError) as error:
        term_add(actor=people.lead, version=version, **{"deliverable": "h3.item", **fields})
    assert field in error.value.message_dict, error.value
    assert words in " ".join(error.value.message_dict[field])
    assert not version.terms.exists()


def test_term_update_and_remove(people: Any, kind: Any) -> None:
    version = _draft(people)
    term = term_add(actor=people.lead, version=version, type="time", deliverable="h3.item", hours=8)
    term_update(actor=people.lead, term=term, hours=4, at_risk_percent=None)
    term.refresh_from_db()
    assert (term.hours, term.at_risk_percent) == (Decimal("4.00"), None)
    with pytest.raises(ValidationError, match="more than 0"):
        term_update(actor=people.lead, term=term, hours=0)
    with pytest.raises(ValidationError, match="Unknown fields"):
        term_update(actor=people.lead, term=term, colour="red")
    with pytest.raises(PermissionDenied):
        term_update(actor=people.member, term=term, hours=2)
    term_remove(actor=people.lead, term=term)
    assert not Term.objects.exists()


# ------------------------------------------------------------------ ladder


def test_ladder_steps_are_checked(people: Any) -> None:
    version = _draft(people)
    step = step_add(
        actor=people.lead,
        version=version,
        trigger="breach",
        offset_hours=4,
        actions=["reassign_deputy", "notify_team_lead", "reassign_deputy"],
    )
    assert step.actions == ["reassign_deputy", "notify_team_lead"]
    bad = [
        ({"trigger": "late", "offset_hours": 0, "actions": ["notify_assignee"]}, "trigger"),
        ({"trigger": "breach", "offset_hours": -1, "actions": ["notify_assignee"]}, "offset_hours"),
        ({"trigger": "breach", "offset_hours": 0, "actions": []}, "actions"),
        ({"trigger": "breach", "offset_hours": 0, "actions": ["fire_someone"]}, "actions"),
    ]
    for fields, field in bad:
        with pytest.raises(ValidationError) as error:
            step_add(actor=people.lead, version=version, **fields)
        assert field in error.value.message_dict
    step_remove(actor=people.lead, step=step)
    assert not version.ladder.exists()


# ------------------------------------------------------------------ frozen versions


def test_a_proposed_version_cannot_be_edited(people: Any, kind: Any) -> None:
    version = _draft(people)
    term = term_add(actor=people.lead, version=version, type="time", deliverable="h3.item", hours=8)
    version_propose(actor=people.lead, version=version)
    attempts = [
        lambda: version_update(actor=people.lead, version=version, title="Changed"),
        lambda: term_add(
            actor=people.lead, version=version, type="time", deliverable="h3.item", hours=2
        ),
        lambda: term_update(actor=people.lead, term=term, hours=2),
        lambda: term_remove(actor=people.lead, term=term),
        lambda: step_add(
            actor=people.lead,
            version=version,
            trigger="breach",
            offset_hours=0,
            actions=["notify_assignee"],
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="proposed"):
            attempt()
    term.refresh_from_db()
    assert term.hours == Decimal("8.00")

"""Stored submissions processed by the worker: set-based for new contacts, the same rows as one by one."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from auditlog.diff import model_instance_diff
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.campaigns.models import Campaign, CampaignMember, CampaignResponse
from interlock.core.models import AuditEntry, Event
from interlock.customers.models import Account, Contact
from interlock.leads import capture_batch
from interlock.leads.capture_batch import drain
from interlock.leads.capture_rows import created_diff
from interlock.leads.models import Capture, FitRule, Handoff, LeadProfile, LifecycleTransition
from interlock.leads.services_capture import CaptureData, capture_accept, lead_capture
from interlock.leads.tasks_capture import sweep_captures

AT = timezone.now().replace(microsecond=0) - timedelta(hours=1)


def _campaign(people: Any) -> Campaign:
    return Campaign.objects.create(
        name="Webinar Hydraulik",
        type="webinar",
        starts_on=date(2026, 3, 1),
        team=people.marketing,
        utm_campaign="hydraulik",
    )


def _data(prefix: str, i: int, campaign: Campaign | None) -> CaptureData:
    return CaptureData(
        email=f"{prefix}{i}@firma{i % 3}.example",
        first_name=f"Vorname{i}",
        last_name=f"Nachname{i}" if i % 4 else "",
        company=f"Firma {i % 3}",
        domain=f"{prefix}firma{i % 3}.example",
        title="Head of Purchasing" if i % 2 else "Assistenz",
        country="DE",
        campaign=campaign,
        utm={"utm_source": "test", "utm_campaign": "hydraulik"},
        consent_text="Ich willige ein." if i % 2 else "",
        newsletter_only=i == 5,
    )


def _rules(people: Any) -> None:
    FitRule.objects.create(
        name="Einkauf", field="title", operator="contains", value="purchasing", points=40
    )
    FitRule.objects.create(name="DACH", field="country", operator="in", value="DE, AT", points=10)


def _picture(contact: Contact, prefix: str) -> dict[str, Any]:
    """What processing wrote for one contact, with ids and the prefix taken out."""

    def plain(value: Any) -> Any:
        return json.loads(json.dumps(value, default=str).replace(prefix, "X"))

    profile = LeadProfile.objects.get(contact=contact)
    move = LifecycleTransition.objects.get(contact=contact)
    capture = Capture.objects.get(contact=contact)
    member = CampaignMember.objects.filter(contact=contact).first()
    response = CampaignResponse.objects.filter(contact=contact).first()
    kinds = sorted(
        Event.objects.filter(payload__contact_id=contact.pk).values_list("type", flat=True)
    )
    captured = Event.objects.get(type="lead.captured", subject_id=capture.pk).payload
    stage = Event.objects.get(type="lead.stage_changed", subject_id=contact.pk).payload
    audit = AuditEntry.objects.filter(object_id=profile.pk, content_type__model="leadprofile")
    return plain(
        {
            "contact": [contact.first_name, contact.last_name, contact.email, contact.title],
            "stage": contact.lifecycle_stage,
            "account": [contact.account.name, contact.account.domain, contact.account.country]
            if contact.account
            else None,
            "profile": [
                profile.source,
                profile.source_campaign_id,
                profile.fit_points,
                profile.fit_grade,
                profile.engagement_points,
                profile.stage_changed_at,
            ],
            "move": [move.from_stage, move.to_stage, move.rule, move.source, move.segment],
            "capture": [capture.status, capture.created, capture.payload, capture.utm],
            "member": [member.status, member.first_responded_at] if member else None,
            "response": [response.kind, response.source, sorted(response.payload)]
            if response
            else None,
            "events": kinds,
            "captured": {k: v for k, v in captured.items() if not k.endswith("_id")},
            "stage_event": {k: v for k, v in stage.items() if not k.endswith("_id")},
            "profile_audit": [
                {k: v for k, v in json.loads(json.dumps(a.changes)).items() if k != "contact"}
                for a in audit
            ],
        }
    )


def test_batch_writes_what_one_by_one_writes(people: Any) -> None:
    campaign = _campaign(people)
    _rules(people)
    for i in range(8):
        lead_capture(actor=people.member, data=_data("single", i, campaign), channel="api", at=AT)
    for i in range(8):
        capture_accept(actor=people.member, data=_data("batch", i, campaign), channel="api", at=AT)
    assert Capture.objects.filter(status="pending").count() == 8
    assert drain() == 8
    assert not Capture.objects.filter(status="pending").exists()
    for i in range(8):
        single = Contact.objects.get(email=f"single{i}@firma{i % 3}.example")
        batch = Contact.objects.get(email=f"batch{i}@firma{i % 3}.example")
        one = _picture(single, "single")
        many = _picture(batch, "batch")
        # Profile audit: the one-by-one path logs the profile before it is scored.
        assert one.pop("profile_audit") == many.pop("profile_audit")
        assert one == many, i
    # Three domains, each account created once per path.
    assert Account.objects.filter(domain__startswith="batchfirma").count() == 3
    # Every new contact has the audit entries the ORM path writes.
    batch_ids = Contact.objects.filter(email__startswith="batch").values_list("pk", flat=True)
    assert (
        AuditEntry.objects.filter(
            object_id__in=list(batch_ids), content_type__model="contact"
        ).count()
        == 8
    )


def test_mixed_batch_goes_one_by_one_where_it_must(people: Any) -> None:
    campaign = _campaign(people)
    old = Contact.objects.create(last_name="Alt", email="alt@kunde.example", title="")
    capture_accept(
        actor=None, data=CaptureData(email="alt@kunde.example", title="CFO"), channel="form"
    )
    twice = CaptureData(email="zweimal@neu.example", first_name="Eins", domain="neu.example")
    capture_accept(actor=None, data=twice, channel="form")
    again = CaptureData(email="zweimal@neu.example", first_name="Zwei", title="CTO")
    capture_accept(actor=None, data=again, channel="form")
    capture_accept(
        actor=None, data=CaptureData(phone="+49 711 123456", last_name="Telefon"), channel="api"
    )
    capture_accept(
        actor=None,
        data=CaptureData(email="firma@ohne.example", company="Ohne Domain AG", campaign=campaign),
        channel="form",
    )
    assert drain() == 5
    assert set(Capture.objects.values_list("status", flat=True)) == {"done"}
    old.refresh_from_db()
    assert old.title == "CFO"  # a gap filled, nothing overwritten
    one = Contact.objects.get(email="zweimal@neu.example")
    assert (one.first_name, one.title) == ("Eins", "CTO")
    assert Contact.objects.filter(phone="+49711123456").count() == 1
    assert Contact.objects.get(email="firma@ohne.example").account.name == "Ohne Domain AG"
    assert list(Capture.objects.order_by("id").values_list("created", flat=True)) == [
        False,
        True,
        False,
        True,
        True,
    ]


def test_a_failing_set_step_loses_nothing(people: Any, monkeypatch: Any) -> None:
    def broken(group: Any) -> None:
        raise ValueError("simulated bug in the set-based step")

    for i in range(4):
        capture_accept(actor=None, data=_data("fehler", i, None), channel="form")
    monkeypatch.setattr(capture_batch, "_write_group", broken)
    assert drain() == 4
    assert set(Capture.objects.values_list("status", flat=True)) == {"done"}
    assert Contact.objects.filter(email__startswith="fehler").count() == 4


def test_campaign_trashed_before_processing_keeps_the_lead(people: Any) -> None:
    campaign = _campaign(people)
    capture_accept(actor=None, data=_data("trash", 1, campaign), channel="form")
    capture_accept(
        actor=None, data=CaptureData(email="trash@alt.example", campaign=campaign), channel="form"
    )
    Contact.objects.create(last_name="Alt", email="trash@alt.example")
    campaign.deleted_at = timezone.now()
    campaign.save()
    assert drain() == 2
    assert set(Capture.objects.values_list("status", flat=True)) == {"done"}
    assert not CampaignResponse.objects.exists()


def test_mql_in_a_batch_is_handed_off(people: Any) -> None:
    from interlock.leads.services_scoring import scoring_settings_update

    campaign = _campaign(people)
    _rules(people)
    scoring_settings_update(actor=people.admin, mql_min_grade="C", mql_min_engagement=0)
    for i in range(4):
        capture_accept(actor=None, data=_data("mql", i, campaign), channel="form")
    drain()
    hot = Contact.objects.filter(email__startswith="mql", title="Head of Purchasing")
    assert hot.count() == 2
    for contact in hot:
        assert contact.lifecycle_stage == "mql"
        assert Handoff.objects.filter(contact=contact, status="open").exists()


def test_api_answers_202_and_the_worker_processes(
    people: Any, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = api_as("member")
    body = {"email": "queue@firma.example", "last_name": "Warteschlange", "domain": "firma.example"}
    with (
        override_settings(LEAD_CAPTURE_INLINE=False),
        django_capture_on_commit_callbacks() as hooks,
    ):
        answer = client.post("/api/v1/leads", json.dumps(body), content_type="application/json")
    assert answer.status_code == 202, answer.content
    out = answer.json()
    assert out["status"] == "pending" and out["contact_id"] is None
    assert out["status_url"].endswith(f"/api/v1/leads/captures/{out['capture_id']}")
    assert hooks, "a drain is queued after commit"
    look = client.get(f"/api/v1/leads/captures/{out['capture_id']}").json()
    assert look["status"] == "pending"
    assert sweep_captures.call_local() == 1
    look = client.get(f"/api/v1/leads/captures/{out['capture_id']}").json()
    assert look["status"] == "done" and look["created"] is True and look["stage"] == "lead"
    assert Contact.objects.get(pk=look["contact_id"]).email == "queue@firma.example"


def test_api_wait_answers_with_the_contact(people: Any, api_as: Any) -> None:
    client = api_as("member")
    body = {"email": "warte@firma.example", "last_name": "Sofort"}
    with override_settings(LEAD_CAPTURE_INLINE=False):
        answer = client.post(
            "/api/v1/leads?wait=true", json.dumps(body), content_type="application/json"
        )
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "done" and answer.json()["contact_id"]


def test_capture_lookup_of_unknown_id_is_404(people: Any, api_as: Any) -> None:
    answer = api_as("member").get("/api/v1/leads/captures/999999")
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/problem+json")


def test_cli_processes_pending(people: Any, capsys: Any) -> None:
    capture_accept(actor=None, data=CaptureData(email="cli@firma.example"), channel="form")
    call_command("leads", "process-captures")
    assert "1 processed" in capsys.readouterr().out
    assert Capture.objects.get().status == "done"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    source=st.sampled_from(["", "api", "web_form", "import"]),
    fit=st.integers(-1000, 1000),
    engagement=st.floats(0, 10_000, allow_nan=False).map(lambda v: round(v, 2)),
    budget=st.text(max_size=30),
    when=st.none() | st.datetimes(timezones=st.just(timezone.get_current_timezone())),
)
@pytest.mark.django_db
def test_created_diff_is_auditlogs(
    source: str, fit: int, engagement: float, budget: str, when: Any
) -> None:
    profile = LeadProfile(
        contact_id=7,
        source=source,
        fit_points=fit,
        engagement_points=engagement,
        budget=budget,
        stage_changed_at=when,
    )
    expected = {k: list(v) for k, v in (model_instance_diff(None, profile) or {}).items()}
    assert created_diff(profile) == expected
    member = CampaignMember(
        pk=3,
        campaign_id=1,
        contact_id=7,
        status="responded",
        added_at=when,
        first_responded_at=when,
    )
    expected = {k: list(v) for k, v in (model_instance_diff(None, member) or {}).items()}
    assert created_diff(member) == expected


def test_a_capture_that_breaks_does_not_stop_the_queue(people: Any, monkeypatch: Any) -> None:
    from interlock.leads import capture_one

    real = capture_one._contact

    def fragile(actor: Any, data: CaptureData) -> Any:
        if data.email == "kaputt@firma.example":
            raise RuntimeError("simulated bug for one submission")
        return real(actor, data)

    Contact.objects.create(last_name="Alt", email="kaputt@firma.example")
    Contact.objects.create(last_name="Alt", email="heil@firma.example")
    capture_accept(actor=None, data=CaptureData(email="kaputt@firma.example"), channel="form")
    capture_accept(
        actor=None, data=CaptureData(email="heil@firma.example", title="CEO"), channel="form"
    )
    monkeypatch.setattr(capture_one, "_contact", fragile)
    assert drain() == 2
    assert sorted(Capture.objects.values_list("status", flat=True)) == ["done", "failed"]
    assert Contact.objects.get(email="heil@firma.example").title == "CEO"
    broken = Capture.objects.get(status="failed")
    assert "internal error" in broken.error
    assert broken.payload["email"] == "kaputt@firma.example"  # kept for a retry
    monkeypatch.setattr(capture_one, "_contact", real)
    call_command("leads", "process-captures", "--retry-failed")
    assert set(Capture.objects.values_list("status", flat=True)) == {"done"}


def test_deliveries_do_not_score_a_captured_contact_again(people: Any) -> None:
    from interlock.core import events

    campaign = _campaign(people)
    _rules(people)
    capture_accept(actor=None, data=_data("einmal", 1, campaign), channel="form")
    drain()
    profile = LeadProfile.objects.get(contact__email="einmal1@firma1.example")
    scored = profile.scored_at
    # Scored in the capture's transaction: scoring's subscriber is not handed its events.
    from interlock.core.models import EventDelivery

    mine = EventDelivery.objects.filter(event__payload__contact_id=profile.contact_id)
    assert not mine.filter(subscriber="leads.scoring.contact").exists()
    assert mine.filter(subscriber="customers.timeline").count() >= 3
    events.deliver()
    profile.refresh_from_db()
    assert profile.scored_at == scored  # contact.created and campaign.responded skipped
    assert profile.fit_points == 50 and profile.engagement_points > 0

"""The writing steps of the worker's set-based capture path (see ``capture_batch``).

Each step takes the batch's items (one per new contact) and writes one kind
of row for all of them: the lead profiles, scored in Python with the same
``rule_matches`` as everywhere; the first lifecycle move; the captures
themselves; campaign members and responses; the events; the audit entries
auditlog would write (``capture_rows.created_diff``).
"""

# Table and column names in SQL come from the models' _meta; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from interlock.campaigns.models import CampaignMember, CampaignResponse
from interlock.core import events as core_events
from interlock.customers.models import Contact
from interlock.leads import scoring
from interlock.leads.capture_one import source_of
from interlock.leads.capture_rows import adapt_time, created_diff, insert_objects
from interlock.leads.models import Capture, LeadProfile, LifecycleTransition, Stage
from interlock.leads.services_capture import CaptureData
from interlock.org import bulk as ob

# The account columns the fit rules may read.
ACCOUNT_VALUES = ("industry", "size", "revenue_band", "country", "state", "region")


@dataclass
class Item:
    capture: Capture
    data: CaptureData
    account_id: int | None = None
    account_values: dict[str, str] | None = None
    contact_id: int = 0
    stage: str = Stage.LEAD
    profile: LeadProfile | None = None


# --- lead profiles, scored ----------------------------------------------------------


def profiles(items: list[Item]) -> None:
    settings = scoring.scoring_settings()
    rules = [r for r in scoring.active_fit_rules() if r.field in scoring.ATTRIBUTES]
    weights = scoring.engagement_weights()
    profiles = []
    for item in items:
        data, capture = item.data, item.capture
        values = {"title": data.title, "buying_role": "", "email": data.email}
        account = item.account_values or {}
        for name in ACCOUNT_VALUES:
            values[name] = account.get(name, "")
        fit = sum(
            r.points
            for r in rules
            if scoring.rule_matches(r, scoring.fit_value(values, scoring.ATTRIBUTES[r.field]))
        )
        # A new contact's only touch is this response (none without a campaign).
        engagement = float(weights.get("campaign:form", 0)) if capture.campaign_id else 0.0
        profile = LeadProfile(
            contact_id=item.contact_id,
            stage_changed_at=capture.at,
            source=source_of(capture.channel, data.source),
            source_campaign_id=capture.campaign_id,
            fit_points=fit,
            fit_grade=scoring.grade_for(fit, settings),
            engagement_points=round(engagement, 2),
            engagement_at=capture.at,
            scored_at=capture.at,
            scoring_version=settings.version,
        )
        item.profile = profile
        profiles.append(profile)
    with connection.cursor() as cursor:
        insert_objects(cursor, profiles)
    audit_created(profiles)


def meets_mql(item: Item, settings: Any) -> bool:
    profile = item.profile
    if profile is None:
        return False
    return scoring.meets_mql(profile, settings) and scoring.may_become_mql(item.stage)


def audit_created(objects: Sequence[Any]) -> None:
    """The audit entries auditlog writes for these new rows, in one statement."""
    if not objects:
        return
    ctx = ob.audit_context()
    content_type = ContentType.objects.get_for_model(type(objects[0])).pk
    now = ob.adapt_datetime(timezone.now())
    rows = [
        ob.audit_row(ctx, content_type, obj.pk, str(obj), 0, json.dumps(created_diff(obj)), now)
        for obj in objects
    ]
    with connection.cursor() as cursor:
        ob.write_rows(cursor, ob.AUDIT_TABLE, ob.AUDIT_COLS, rows)


# --- the first move, the captures, the responses, the events ------------------------------


def event_row(
    kind: str, subject: str, pk: int, at: datetime, payload: dict[str, Any]
) -> tuple[Any, ...]:
    ctx = ob.audit_context()
    return (
        kind,
        subject,
        pk,
        ctx["actor_id"],
        ctx["source"],
        adapt_time(at),
        json.dumps(payload),
    )


def contact_name(item: Item) -> str:
    data = item.data
    last = data.last_name or data.email.split("@", 1)[0]
    return " ".join(p for p in (data.first_name, last) if p)


def transitions(cursor: Any, items: list[Item]) -> None:
    moves = []
    for item in items:
        assert item.profile is not None
        moves.append(
            LifecycleTransition(
                contact_id=item.contact_id,
                from_stage="",
                to_stage=item.stage,
                at=item.capture.at,
                rule="capture",
                reason="",
                seconds_in_previous=0,
                source=item.profile.source,
                campaign_id=item.profile.source_campaign_id,
                owner_id=None,
                segment=(item.account_values or {}).get("size", ""),
            )
        )
    insert_objects(cursor, moves)
    events = []
    for item, move in zip(items, moves, strict=True):
        payload = {
            "contact_id": item.contact_id,
            "contact_name": contact_name(item),
            "owner_id": None,
            "account_id": item.account_id,
            "from": "",
            "to": item.stage,
            "rule": "capture",
            "reason": "",
            "transition_id": move.pk,
            "seconds_in_previous": 0,
        }
        events.append(
            event_row(
                "lead.stage_changed",
                core_events.subject_label(Contact),
                item.contact_id,
                item.capture.at,
                payload,
            )
        )
    ob.write_events(cursor, "lead.stage_changed", events)


def captures(cursor: Any, items: list[Item]) -> None:
    now = ob.adapt_datetime(timezone.now())
    cursor.executemany(
        f"UPDATE {Capture._meta.db_table} SET contact_id = %s, created = %s, status = %s, "
        "payload = %s, processed_at = %s WHERE id = %s",
        [(i.contact_id, True, Capture.Status.DONE.value, "{}", now, i.capture.pk) for i in items],
    )


def responses(cursor: Any, items: list[Item]) -> None:
    with_campaign = [
        i for i in items if i.capture.campaign is not None and not i.capture.campaign.in_trash
    ]
    if not with_campaign:
        return
    members = []
    responses = []
    for item in with_campaign:
        capture = item.capture
        campaign = capture.campaign
        assert campaign is not None
        members.append(
            CampaignMember(
                campaign_id=campaign.pk,
                contact_id=item.contact_id,
                status=CampaignMember.Status.RESPONDED,
                added_at=capture.at,
                status_changed_at=capture.at,
                first_responded_at=capture.at,
            )
        )
        responses.append(
            CampaignResponse(
                campaign_id=campaign.pk,
                contact_id=item.contact_id,
                kind=CampaignResponse.Kind.FORM,
                occurred_at=capture.at,
                source=capture.channel[:20],
                payload={"capture_id": capture.pk, **item.data.utm},
            )
        )
    insert_objects(cursor, members)
    audit_created(members)
    insert_objects(cursor, responses)
    events = []
    for item, response in zip(with_campaign, responses, strict=True):
        campaign = item.capture.campaign
        assert campaign is not None
        payload = {
            "contact_id": item.contact_id,
            "account_id": item.account_id,
            "campaign_id": campaign.pk,
            "campaign": campaign.name,
            "kind": CampaignResponse.Kind.FORM.value,
            "response_id": response.pk,
            # The profile written in this batch counts this response already.
            "scored": True,
        }
        events.append(
            event_row(
                "campaign.responded",
                core_events.subject_label(CampaignResponse),
                response.pk,
                response.occurred_at,
                payload,
            )
        )
    ob.write_events(cursor, "campaign.responded", events)


def captured_events(cursor: Any, items: list[Item]) -> None:
    events = []
    for item in items:
        capture = item.capture
        payload = {
            "contact_id": item.contact_id,
            "account_id": item.account_id,
            "capture_id": capture.pk,
            "campaign_id": capture.campaign_id,
            "form_id": capture.form_id,
            "channel": capture.channel,
            "created": True,
            "consent": bool(capture.consent_text),
        }
        events.append(
            event_row(
                "lead.captured", core_events.subject_label(Capture), capture.pk, capture.at, payload
            )
        )
    ob.write_events(cursor, "lead.captured", events)

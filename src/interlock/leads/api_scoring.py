"""REST endpoints of lead management: scoring rules, settings, re-scoring, a contact's score."""

from __future__ import annotations

from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Path, Router, Status

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.schemas import PROBLEMS, DbId
from interlock.customers.models import Contact
from interlock.leads import scoring, selectors_scoring, services_scoring
from interlock.leads.models import FitRule, RescoreJob
from interlock.leads.schemas_scoring import (
    EngagementRuleIn,
    EngagementRuleOut,
    FitRuleIn,
    FitRuleOut,
    FitRulePatch,
    RescoreJobOut,
    ScoreOut,
    SettingsOut,
    SettingsPatch,
)

router = Router(tags=["leads"])
RuleId = Annotated[DbId, Path()]
Trigger = Annotated[str, Path(max_length=40, description="e.g. activity:call, campaign:form")]


def rule_out(rule: FitRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "field": rule.field,
        "operator": rule.operator,
        "value": rule.value,
        "points": rule.points,
        "active": rule.active,
        "position": rule.position,
        "text": scoring.rule_text(rule),
    }


def settings_out() -> dict[str, Any]:
    row = scoring.scoring_settings()
    return {
        **{name: getattr(row, name) for name in services_scoring.SETTINGS_FIELDS},
        "version": row.version,
        "engagement_rules": [vars(r) for r in selectors_scoring.engagement_rows()],
    }


@router.get("/scoring/fit-rules", response={200: list[FitRuleOut], **PROBLEMS}, summary="Fit rules")
def fit_rules_list(request: ApiRequest) -> Any:
    policy.require(request.auth, "lead.view")
    return [rule_out(rule) for rule in selectors_scoring.fit_rules()]


@router.post("/scoring/fit-rules", response={201: FitRuleOut, **PROBLEMS}, summary="Add a fit rule")
def fit_rules_create(request: ApiRequest, payload: FitRuleIn) -> Any:
    """A bad rule (unknown attribute, operator not allowed, pattern that does not compile, a
    value that is not a choice) is answered 422 with the reason; a valid one re-scores everyone."""
    rule = services_scoring.fit_rule_create(actor=request.auth, **payload.dict())
    return Status(201, rule_out(rule))


@router.get(
    "/scoring/fit-rules/{rule_id}", response={200: FitRuleOut, **PROBLEMS}, summary="One fit rule"
)
def fit_rules_get(request: ApiRequest, rule_id: RuleId) -> Any:
    policy.require(request.auth, "lead.view")
    return rule_out(get_object_or_404(FitRule, pk=rule_id))


@router.patch(
    "/scoring/fit-rules/{rule_id}",
    response={200: FitRuleOut, **PROBLEMS},
    summary="Change a fit rule",
)
def fit_rules_update(request: ApiRequest, rule_id: RuleId, payload: FitRulePatch) -> Any:
    policy.require(request.auth, "lead.configure")
    rule = get_object_or_404(FitRule, pk=rule_id)
    return rule_out(
        services_scoring.fit_rule_update(actor=request.auth, rule=rule, **payload.changes())
    )


@router.delete(
    "/scoring/fit-rules/{rule_id}", response={204: None, **PROBLEMS}, summary="Delete a fit rule"
)
def fit_rules_delete(request: ApiRequest, rule_id: RuleId) -> Any:
    policy.require(request.auth, "lead.configure")
    services_scoring.fit_rule_delete(
        actor=request.auth, rule=get_object_or_404(FitRule, pk=rule_id)
    )
    return Status(204, None)


@router.put(
    "/scoring/engagement-rules/{trigger}",
    response={200: EngagementRuleOut, **PROBLEMS},
    summary="Set the points of one trigger",
)
def engagement_rules_set(request: ApiRequest, trigger: Trigger, payload: EngagementRuleIn) -> Any:
    rule = services_scoring.engagement_rule_set(
        actor=request.auth, trigger=trigger, points=payload.points, active=payload.active
    )
    return {
        "trigger": rule.trigger,
        "label": scoring.trigger_label(rule.trigger),
        "points": rule.points,
        "active": rule.active,
    }


@router.get(
    "/scoring/settings", response={200: SettingsOut, **PROBLEMS}, summary="Grades and MQL rule"
)
def settings_get(request: ApiRequest) -> Any:
    policy.require(request.auth, "lead.view")
    return settings_out()


@router.patch(
    "/scoring/settings",
    response={200: SettingsOut, **PROBLEMS},
    summary="Change grades, half-life or the MQL rule",
)
def settings_update(request: ApiRequest, payload: SettingsPatch) -> Any:
    services_scoring.scoring_settings_update(actor=request.auth, **payload.changes())
    return settings_out()


@router.post(
    "/scoring/rescore",
    response={202: RescoreJobOut, **PROBLEMS},
    summary="Re-score everyone in the background",
)
def rescore_start(request: ApiRequest) -> Any:
    """Answers at once with the job; poll ``GET /scoring/rescore/{id}`` for progress."""
    return Status(202, services_scoring.rescore_start(actor=request.auth))


@router.get(
    "/scoring/rescore/{job_id}",
    response={200: RescoreJobOut, **PROBLEMS},
    summary="Progress of a re-scoring",
)
def rescore_get(request: ApiRequest, job_id: Annotated[DbId, Path()]) -> Any:
    policy.require(request.auth, "lead.view")
    return get_object_or_404(RescoreJob, pk=job_id)


@router.get(
    "/contacts/{contact_id}/score",
    response={200: ScoreOut, **PROBLEMS},
    summary="A contact's scores and why",
)
def contact_score(request: ApiRequest, contact_id: Annotated[DbId, Path()]) -> Any:
    policy.require(request.auth, "lead.view")
    contact = get_object_or_404(Contact.objects.select_related("account"), pk=contact_id)
    profile, why = selectors_scoring.contact_score(contact)
    return {
        "contact_id": contact.pk,
        "fit_points": why.fit_points,
        "fit_grade": why.grade,
        "engagement_points": why.engagement_points,
        "meets_mql": why.meets_mql,
        "as_of": why.at,
        "stored_at": profile.scored_at if profile else None,
        "fit_lines": [{"points": line.points, "text": line.text} for line in why.fit_lines],
        "engagement_lines": [
            {"points": line.points, "text": line.text} for line in why.engagement_lines
        ],
    }

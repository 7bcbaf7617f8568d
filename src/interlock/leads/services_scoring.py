"""Writes for the scoring rules: fit rules, engagement points, settings, re-scoring.

Every change asks ``lead.configure``, validates, bumps
``ScoringSettings.version``, records an event and starts a background
re-scoring of everyone (one queued job absorbs further changes until it
starts). Audited by django-auditlog (see registrations.py).
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.leads import scoring
from interlock.leads.models import EngagementRule, FitRule, RescoreJob, ScoringSettings

FIT_FIELDS = ("name", "field", "operator", "value", "points", "active")
SETTINGS_FIELDS = (
    "half_life_days",
    "grade_a_min",
    "grade_b_min",
    "grade_c_min",
    "mql_min_grade",
    "mql_min_engagement",
    "mql_enabled",
)


def _bump() -> ScoringSettings:
    """Lock the settings row and raise the rules' version (two admins editing: both count)."""
    settings = ScoringSettings.objects.select_for_update().filter(pk=1).first()
    if settings is None:
        settings = ScoringSettings.objects.create(pk=1)
    ScoringSettings.objects.filter(pk=1).update(version=F("version") + 1)
    settings.refresh_from_db()
    return settings


def _rule_payload(rule: FitRule) -> dict[str, Any]:
    return {
        "rule_id": rule.pk,
        "field": rule.field,
        "operator": rule.operator,
        "value": rule.value,
        "points": rule.points,
        "active": rule.active,
    }


def _clean_rule(rule: FitRule) -> None:
    rule.name = (rule.name or "").strip()
    rule.value = scoring.validate_rule(rule.field, rule.operator, rule.value)
    rule.full_clean()


def fit_rule_create(
    *,
    actor: Any,
    field: str,
    operator: str,
    value: str = "",
    points: int,
    name: str = "",
    active: bool = True,
) -> FitRule:
    policy.require(actor, "lead.configure")
    rule = FitRule(
        name=name, field=field, operator=operator, value=value, points=points, active=active
    )
    _clean_rule(rule)
    with transaction.atomic():
        settings = _bump()
        rule.position = (FitRule.objects.aggregate(m=Max("position"))["m"] or 0) + 1
        rule.save()
        events.record(
            "scoring.fit_rule_created",
            subject=rule,
            actor=actor,
            payload=_rule_payload(rule) | {"version": settings.version},
        )
        rescore_start(actor=actor)
    return rule


def fit_rule_update(*, actor: Any, rule: FitRule, **fields: Any) -> FitRule:
    policy.require(actor, "lead.configure")
    unknown = set(fields) - set(FIT_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be changed here.") for n in sorted(unknown)})
    with transaction.atomic():
        rule = FitRule.objects.select_for_update().get(pk=rule.pk)
        for name, value in fields.items():
            setattr(rule, name, value)
        _clean_rule(rule)
        settings = _bump()
        rule.save()
        events.record(
            "scoring.fit_rule_updated",
            subject=rule,
            actor=actor,
            payload=_rule_payload(rule) | {"version": settings.version},
        )
        rescore_start(actor=actor)
    return rule


def fit_rule_delete(*, actor: Any, rule: FitRule) -> None:
    policy.require(actor, "lead.configure")
    with transaction.atomic():
        settings = _bump()
        events.record(
            "scoring.fit_rule_deleted",
            subject=rule,
            actor=actor,
            payload=_rule_payload(rule) | {"version": settings.version},
        )
        rule.delete()
        rescore_start(actor=actor)


def fit_rule_move(*, actor: Any, rule: FitRule, direction: Literal["up", "down"]) -> FitRule:
    """Swap the rule with its neighbour (order only changes how the page lists them)."""
    policy.require(actor, "lead.configure")
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Move a rule “up” or “down”.")})
    with transaction.atomic():
        ordered = list(FitRule.objects.select_for_update().order_by("position", "id"))
        index = next((i for i, r in enumerate(ordered) if r.pk == rule.pk), None)
        if index is None:
            raise ValidationError(_("This rule no longer exists."))
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(ordered):
            ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])
        rule = ordered[other if 0 <= other < len(ordered) else index]
        events.record(
            "scoring.fit_rule_moved",
            subject=rule,
            actor=actor,
            payload={"rule_id": rule.pk, "direction": direction, "position": rule.position},
        )
    return rule


def engagement_rule_set(
    *, actor: Any, trigger: str, points: int, active: bool = True
) -> EngagementRule:
    """Set the points of one trigger (``activity:<kind>`` or ``campaign:<kind>``)."""
    policy.require(actor, "lead.configure")
    known = dict(scoring.triggers())
    if trigger not in known:
        raise ValidationError(
            {
                "trigger": _("Unknown trigger “%(trigger)s”. Choose one of: %(allowed)s.")
                % {"trigger": trigger, "allowed": ", ".join(known)}
            }
        )
    with transaction.atomic():
        rule = EngagementRule.objects.select_for_update().filter(trigger=trigger).first()
        rule = rule or EngagementRule(trigger=trigger)
        rule.points = points
        rule.active = active
        rule.full_clean()
        settings = _bump()
        rule.save()
        events.record(
            "scoring.engagement_rule_set",
            subject=rule,
            actor=actor,
            payload={
                "trigger": trigger,
                "points": points,
                "active": active,
                "version": settings.version,
            },
        )
        rescore_start(actor=actor)
    return rule


def scoring_settings_update(*, actor: Any, **fields: Any) -> ScoringSettings:
    """Grade thresholds, half-life and the MQL rule."""
    policy.require(actor, "lead.configure")
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be changed here.") for n in sorted(unknown)})
    with transaction.atomic():
        settings = _bump()
        for name, value in fields.items():
            setattr(settings, name, value)
        if not settings.grade_a_min > settings.grade_b_min > settings.grade_c_min:
            raise ValidationError(
                {
                    "grade_b_min": _(
                        "Grades must descend: A needs more points than B, B more than C."
                    )
                }
            )
        settings.full_clean()
        settings.save()
        events.record(
            "scoring.settings_updated",
            subject=settings,
            actor=actor,
            payload={name: getattr(settings, name) for name in SETTINGS_FIELDS}
            | {"version": settings.version},
        )
        rescore_start(actor=actor)
    return settings


def rescore_start(*, actor: Any) -> RescoreJob:
    """Queue a re-scoring of everyone after commit; a job still queued takes this change too."""
    policy.require(actor, "lead.configure")
    from interlock.leads.tasks_scoring import rescore

    with transaction.atomic():
        version = scoring.scoring_settings().version
        queued = (
            RescoreJob.objects.select_for_update()
            .filter(status=RescoreJob.Status.QUEUED)
            .order_by("-id")
            .first()
        )
        if queued is not None:
            job = queued
            job.version = version
            job.save(update_fields=["version"])
        else:
            job = RescoreJob.objects.create(
                version=version, requested_by=actor if getattr(actor, "pk", None) else None
            )
            events.record(
                "scoring.rescore_started", subject=job, actor=actor, payload={"version": version}
            )
        # Enqueued again even for a reused job (its first enqueue may have been lost);
        # the task that runs second finds the job taken and does nothing.
        job_id = job.pk
        transaction.on_commit(lambda: rescore(job_id))
    return job

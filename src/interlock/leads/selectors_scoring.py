"""Reads for the scoring page, the API and the contact's score panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interlock.customers.models import Contact
from interlock.leads import scoring
from interlock.leads.models import EngagementRule, FitRule, LeadProfile, RescoreJob


@dataclass(frozen=True)
class TriggerRow:
    trigger: str
    label: str
    points: int
    active: bool


def fit_rules() -> list[FitRule]:
    return list(FitRule.objects.order_by("position", "id"))


def fit_rule_rows() -> list[dict[str, Any]]:
    """Each rule with the words the page shows (attribute label, operator, value)."""
    return [{"rule": rule, "text": scoring.rule_text(rule)} for rule in fit_rules()]


def engagement_rows() -> list[TriggerRow]:
    """Every trigger, set or not (unset ones show 0 points, inactive)."""
    stored = {rule.trigger: rule for rule in EngagementRule.objects.all()}
    rows = []
    for trigger, label in scoring.triggers():
        rule = stored.get(trigger)
        rows.append(
            TriggerRow(trigger, label, rule.points if rule else 0, bool(rule and rule.active))
        )
    return rows


def latest_job() -> RescoreJob | None:
    return RescoreJob.objects.order_by("-created_at", "-id").first()


def job_percent(job: RescoreJob | None) -> int:
    if job is None or not job.total:
        return 100 if job is not None and job.status == RescoreJob.Status.DONE else 0
    return min(100, round(100 * job.done / job.total))


def contact_score(contact: Contact) -> tuple[LeadProfile | None, scoring.Explanation]:
    """The stored profile (if scored) and the explanation as of now."""
    profile = LeadProfile.objects.filter(pk=contact.pk).first()
    return profile, scoring.explain(contact)

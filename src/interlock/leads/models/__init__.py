"""Lead management models, one module per part (lifecycle, handoff, scoring, routing, capture)."""

from interlock.leads.models.capture import Capture, CaptureForm
from interlock.leads.models.handoff import Handoff, RejectionReason
from interlock.leads.models.lifecycle import LeadProfile, LifecycleTransition, Source, Stage
from interlock.leads.models.reports import *  # noqa: F403
from interlock.leads.models.routing import Assignment, LeadSettings, RoutingRule
from interlock.leads.models.scoring import (
    EngagementRule,
    FitRule,
    RescoreJob,
    ScoringSettings,
)

__all__ = [
    "Assignment",
    "Capture",
    "CaptureForm",
    "EngagementRule",
    "FitRule",
    "Handoff",
    "LeadProfile",
    "LeadSettings",
    "LifecycleTransition",
    "RejectionReason",
    "RescoreJob",
    "RoutingRule",
    "ScoringSettings",
    "Source",
    "Stage",
]

"""What lead management registers with lower floors (audit, timeline, subscribers, demo).

Each part adds its own ``register_*`` function below; ``register_all`` runs
them from ``LeadsConfig.ready``.
"""

from __future__ import annotations


def register_all() -> None:
    from auditlog.registry import auditlog

    from interlock.customers.merge import register_relation
    from interlock.leads import models

    for model in (
        models.FitRule,
        models.EngagementRule,
        models.ScoringSettings,
        models.RoutingRule,
        models.LeadSettings,
        models.RejectionReason,
        models.CaptureForm,
        models.LeadProfile,
        models.Handoff,
    ):
        auditlog.register(model)
    # A customer-record merge moves these to the surviving contact.
    for label in (
        "leads.LifecycleTransition",
        "leads.Handoff",
        "leads.Assignment",
        "leads.Capture",
    ):
        register_relation(label, "contact")

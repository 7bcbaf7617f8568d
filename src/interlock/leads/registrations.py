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
        models.Handoff,
    ):
        auditlog.register(model)
    from interlock.leads.scoring import SCORE_FIELDS

    # The scores are recomputed by rules (nightly and on every touch): the
    # audit log keeps what people and routing change, not each new score.
    auditlog.register(models.LeadProfile, exclude_fields=list(SCORE_FIELDS))
    # A customer-record merge moves these to the surviving contact.
    for label in (
        "leads.LifecycleTransition",
        "leads.Handoff",
        "leads.Assignment",
        "leads.Capture",
    ):
        register_relation(label, "contact")
    from interlock.leads.timeline_handoff import register_handoff

    register_handoff()
    from interlock.leads.subscribers_scoring import register_scoring

    register_scoring()
    from interlock.leads.attribution import register_attribution

    register_attribution()
    from interlock.leads.subscribers_reports import register_reports

    register_reports()
    from interlock.leads.demo import register as register_demo

    register_demo()
    from interlock.leads.services_capture import register_routing_and_capture

    register_routing_and_capture()
    register_panels()
    from interlock.leads.kinds import register_kinds

    register_kinds()


def register_panels() -> None:
    """The lead's stage, handoff and qualification, and its score, on the contact page."""
    from django.utils.translation import gettext_lazy as _

    from interlock.customers.panels import register_contact_panel

    register_contact_panel("leads:contact_panel", title=_("Lead"), order=10)
    register_contact_panel("leads:score_panel", title=_("Score"), order=20)

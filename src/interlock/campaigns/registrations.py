"""What the campaigns app registers with lower floors (audit, timeline, lists, merge, demo)."""

from __future__ import annotations


def register_all() -> None:
    from auditlog.registry import auditlog

    from interlock.campaigns import models
    from interlock.customers.merge import register_relation

    for model in (models.Campaign, models.CampaignCost, models.CampaignMember):
        auditlog.register(model)
    # A customer-record merge moves these to the surviving contact.
    register_relation("campaigns.CampaignMember", "contact")
    register_relation("campaigns.CampaignResponse", "contact")

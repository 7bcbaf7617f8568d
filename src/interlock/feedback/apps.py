from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _


def _targets(event: Any) -> list[tuple[int | None, int | None]]:
    """The account's timeline, and the contact's when there is one."""
    account_id = event.payload.get("account_id")
    contact_id = event.payload.get("contact_id")
    pairs: list[tuple[int | None, int | None]] = [(account_id, None)]
    if contact_id:
        pairs.append((None, contact_id))
    return pairs


def _severity(event: Any) -> str:
    from interlock.feedback.models import Complaint

    value = event.payload.get("severity", "")
    if value not in Complaint.Severity.values:
        return ""
    return _t("Severity: %(severity)s") % {"severity": Complaint.Severity(value).label}


class FeedbackConfig(AppConfig):
    name = "interlock.feedback"
    label = "feedback"
    verbose_name = _("Complaints and ideas")

    def ready(self) -> None:
        from interlock.feedback.lists import register_all as register_lists

        register_lists()
        from auditlog.registry import auditlog

        from interlock.customers import timeline
        from interlock.feedback import demo, models

        for model in (
            models.ComplaintCategory,
            models.Complaint,
            models.Idea,
            models.IdeaRequest,
            models.IdeaComplaint,
            models.IdeaVote,
        ):
            auditlog.register(model)

        # A customer-record merge moves these to the surviving record.
        from interlock.customers.merge import register_relation

        for label, field in (
            ("feedback.Complaint", "account"),
            ("feedback.Complaint", "contact"),
            ("feedback.IdeaRequest", "account"),
            ("feedback.IdeaRequest", "contact"),
        ):
            register_relation(label, field)

        titles = {
            "complaint.created": lambda e: _t("Complaint: %(title)s") % e.payload,
            "complaint.first_response": lambda e: (
                _t("First response to complaint: %(title)s") % e.payload
            ),
            "complaint.resolved": lambda e: _t("Complaint resolved: %(title)s") % e.payload,
            "complaint.closed": lambda e: _t("Complaint closed: %(title)s") % e.payload,
        }
        for event_type, title in titles.items():
            timeline.register(
                event_type,
                kind="complaint",
                title=title,
                targets=_targets,
                summary=_severity,
            )
        timeline.register(
            "idea.requested",
            kind="idea",
            title=lambda e: _t("Asked for idea: %(title)s") % e.payload,
            targets=_targets,
            summary=lambda e: str(e.payload.get("note", "")),
        )
        from interlock.feedback.timeline import register_labels

        register_labels()
        demo.register()
        from interlock.feedback.kinds import register_kinds

        register_kinds()

"""Starting templates for the usual team agreements, so a company measures within minutes.

Each template builds the terms and the escalation ladder of a first draft for
two given teams; ``services_agreements.agreement_from_template`` validates and
saves them like hand-made ones. The deliverable kinds are registered by the
apps that own them (leads, sales, feedback).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interlock.core import deliverables
from interlock.org.models import Team

Fields = dict[str, Any]
Builder = Callable[[Team, Team], tuple[list[Fields], list[Fields]]]

NOTIFY_ASSIGNEE = "notify_assignee"
NOTIFY_LEAD = "notify_team_lead"
NOTIFY_MANAGEMENT = "notify_management"
REASSIGN_DEPUTY = "reassign_deputy"
AGENDA = "meeting_agenda"


@dataclass(frozen=True)
class Template:
    key: str
    title: str | Promise
    description: str | Promise
    provider_function: str
    receiver_function: str
    purpose: str | Promise
    build: Builder


def _queue_of(kind_key: str, team: Team) -> str:
    """The team's own place ("team:<id>") if the kind lists it, else anywhere."""
    place = f"team:{team.pk}"
    try:
        places = dict(deliverables.get(kind_key).places())
    except LookupError:
        return ""
    return place if place in places else ""


def _time(kind: str, hours: int, place: str = "", at_risk: int | None = 75) -> Fields:
    return {
        "type": "time",
        "deliverable": kind,
        "place": place,
        "hours": hours,
        "at_risk_percent": at_risk,
    }


def _step(trigger: str, offset: int, *actions: str) -> Fields:
    return {"trigger": trigger, "offset_hours": offset, "actions": list(actions)}


def _mql_handoff(provider: Team, receiver: Team) -> tuple[list[Fields], list[Fields]]:
    kind = "lead.handoff"
    terms = [
        _time(kind, 8, _queue_of(kind, receiver)),
        {"type": "quantity", "deliverable": kind, "period": "month", "minimum": 40},
        {
            "type": "quality",
            "deliverable": kind,
            "period": "month",
            "criterion": {"attribute": "accepted", "op": "is", "value": True},
            "target_percent": 60,
            "min_sample": 20,
        },
    ]
    ladder = [
        _step("at_risk", 0, NOTIFY_ASSIGNEE),
        _step("breach", 0, NOTIFY_ASSIGNEE, NOTIFY_LEAD),
        _step("breach", 4, REASSIGN_DEPUTY),
        _step("breach", 8, NOTIFY_MANAGEMENT, AGENDA),
    ]
    return terms, ladder


def _rejection_feedback(provider: Team, receiver: Team) -> tuple[list[Fields], list[Fields]]:
    terms = [_time("lead.rejection_feedback", 16)]
    ladder = [_step("breach", 0, NOTIFY_ASSIGNEE, NOTIFY_LEAD), _step("breach", 8, AGENDA)]
    return terms, ladder


def _won_deal_handover(provider: Team, receiver: Team) -> tuple[list[Fields], list[Fields]]:
    kind = "deal.handover"
    terms = [
        _time(kind, 8),
        {
            "type": "quality",
            "deliverable": kind,
            "period": "month",
            "criterion": {"attribute": "fields_complete", "op": "is", "value": True},
            "target_percent": 90,
            "min_sample": 5,
        },
    ]
    ladder = [
        _step("breach", 0, NOTIFY_ASSIGNEE, NOTIFY_LEAD),
        _step("breach", 8, NOTIFY_MANAGEMENT),
    ]
    return terms, ladder


def _complaint_response(provider: Team, receiver: Team) -> tuple[list[Fields], list[Fields]]:
    terms = [_time("complaint.first_response", 4)]
    ladder = [
        _step("at_risk", 0, NOTIFY_ASSIGNEE),
        _step("breach", 0, NOTIFY_LEAD),
        _step("breach", 4, NOTIFY_MANAGEMENT, AGENDA),
    ]
    return terms, ladder


TEMPLATES: tuple[Template, ...] = (
    Template(
        key="mql_handoff",
        title=gettext_lazy("MQL handoff"),
        description=gettext_lazy(
            "Marketing hands qualified leads to sales; sales accepts or rejects each within "
            "8 business hours. At least 40 MQLs a month, 60 percent of them accepted."
        ),
        provider_function="marketing",
        receiver_function="sales",
        purpose=gettext_lazy(
            "Every marketing-qualified lead gets a quick, clear answer from sales, and "
            "marketing delivers enough leads that sales wants."
        ),
        build=_mql_handoff,
    ),
    Template(
        key="rejection_feedback",
        title=gettext_lazy("Feedback on rejected leads"),
        description=gettext_lazy(
            "Sales hands every rejected lead back to marketing, and marketing answers "
            "within 2 business days (16 business hours)."
        ),
        provider_function="sales",
        receiver_function="marketing",
        purpose=gettext_lazy(
            "No rejected lead is left without an answer, so marketing learns what sales needs."
        ),
        build=_rejection_feedback,
    ),
    Template(
        key="won_deal_handover",
        title=gettext_lazy("Won-deal handover"),
        description=gettext_lazy(
            "Each won deal is handed to customer success within 1 business day, with the "
            "handover form complete in 90 percent of the cases."
        ),
        provider_function="sales",
        receiver_function="customer_success",
        purpose=gettext_lazy(
            "New customers start with a team that knows what was promised to them."
        ),
        build=_won_deal_handover,
    ),
    Template(
        key="complaint_response",
        title=gettext_lazy("Complaint response"),
        description=gettext_lazy(
            "Customer success gives every complaint a first response within 4 business hours."
        ),
        provider_function="",
        receiver_function="customer_success",
        purpose=gettext_lazy("An unhappy customer hears from us on the same working day."),
        build=_complaint_response,
    ),
)


def templates() -> list[Template]:
    return list(TEMPLATES)


def get(key: str) -> Template:
    for template in TEMPLATES:
        if template.key == key:
            return template
    raise ValidationError(
        {
            "template": _("%(key)s is not a template; choose one of %(known)s.")
            % {"key": key, "known": ", ".join(t.key for t in TEMPLATES)}
        }
    )

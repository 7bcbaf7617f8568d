"""Access cases (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}
# The API lets read-only accounts read only (no POST), pages let them mark read.
API_WRITE: dict[str, Any] = {"allowed": WRITERS, "denied": ("anon", "readonly")}
NOT_LEAD = ("anon", "admin", "manager", "member", "marketer", "readonly")
OWN: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}


def _everyones(people: Any) -> None:
    """One notification for each person, so each role reads their own."""
    from interlock.notify.models import Notification

    now = timezone.now()
    for name in SIGNED_IN:
        Notification.objects.create(
            recipient=getattr(people, name), topic="test", title=f"For {name}", created_at=now
        )


def _leads_pk(people: Any) -> dict[str, Any]:
    _everyones(people)
    return {"pk": people.lead.notifications.get().pk}


WEB: dict[str, Case] = {
    "notify:inbox": Case(**READ),
    "notify:read_all": Case(**OWN, method="POST"),
    # Only the recipient marks a notification read; everybody else is refused.
    "notify:read": Case(allowed=("lead",), denied=NOT_LEAD, params=_leads_pk, method="POST"),
    "notify:settings": Case(
        **OWN, method="POST", body={"email": "digest", "digest_hour": "8"}, ok_status=(302,)
    ),
}


def _own_id(people: Any) -> dict[str, Any]:
    _everyones(people)
    return {"notification_id": people.lead.notifications.get().pk}


API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/notifications"): Case(**READ),
    ("POST", f"{P}/notifications/read-all"): Case(**API_WRITE),
    ("POST", f"{P}/notifications/{{notification_id}}/read"): Case(
        allowed=("lead",), denied=NOT_LEAD, params=_own_id
    ),
}

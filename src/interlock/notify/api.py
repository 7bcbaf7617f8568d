"""REST endpoints of notifications (the caller's own)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId
from interlock.notify import selectors, services
from interlock.notify.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    topic: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None


class ReadAllOut(Schema):
    marked: int


NotificationPage = page_schema(NotificationOut, "NotificationPage")


def _out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "topic": n.topic,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
        "emailed_at": n.emailed_at,
    }


@router.get(
    "/notifications",
    response={200: NotificationPage, **PROBLEMS},
    summary="My notifications, newest first",
)
def notifications_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    unread: Annotated[bool | None, Query(description="Only unread (true) or read (false).")] = None,
) -> Any:
    policy.require(request.auth, "notification.view")
    qs = selectors.notifications_of(request.auth, unread=unread)
    keyset = Keyset(("created_at", "id"), descending=True)
    return paginate(qs, keyset, cursor=cursor, limit=limit, item=_out)


@router.post(
    "/notifications/read-all",
    response={200: ReadAllOut, **PROBLEMS},
    summary="Mark all my notifications read",
)
def notifications_read_all(request: ApiRequest) -> Any:
    policy.require(request.auth, "notification.view")
    return {"marked": services.notifications_read_all(user=request.auth)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **PROBLEMS},
    summary="Mark one of my notifications read",
)
def notification_read(request: ApiRequest, notification_id: Annotated[DbId, Path()]) -> Any:
    """Someone else's notification answers 403."""
    policy.require(request.auth, "notification.view")
    row = get_object_or_404(Notification, pk=notification_id)
    services.notification_read(user=request.auth, notification=row)
    return _out(row)

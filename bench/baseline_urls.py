"""The project's URLs plus the raw baseline views of the HTTP benchmarks.

Each view is the least Django can do for the page it stands in for: no
authentication, no rate limit, no ORM, no schema; one raw SQL query and a
``JsonResponse``. They run in the same server, behind the same middleware.

- ``/bench/raw-users``: 50 users after an id (``api_page``).
- ``/bench/raw-contacts``: 50 contacts of one owner in name order after a
  cursor, with the account's and owner's names (``record_http``; the same
  rows and fields as ``GET /api/v1/contacts?owner=…&sort=name``).
- ``/bench/raw-timeline``: the newest 50 timeline entries of one account
  (``record_http``; as ``GET /api/v1/accounts/{id}/timeline``).
- ``/bench/raw-contact-insert``: POST JSON, one row inserted into the
  contacts table (``lead_capture``; as ``POST /api/v1/leads``).
"""

from __future__ import annotations

import base64
import json

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from interlock.urls import urlpatterns as project_urlpatterns

_SQL = (
    "SELECT id, username, first_name, last_name, email, role, is_active "
    "FROM org_user WHERE id > %s ORDER BY id LIMIT %s"
)
_COLUMNS = ("id", "username", "first_name", "last_name", "email", "role", "is_active")


def _limit(request: HttpRequest) -> int:
    return min(200, max(1, int(request.GET.get("limit", "50"))))


def raw_users(request: HttpRequest) -> JsonResponse:
    """The least Django can do for a page: no auth, no ORM, no schema."""
    try:
        after = int(request.GET.get("after", "0"))
        limit = _limit(request)
    except ValueError:
        return JsonResponse({"detail": "bad parameters"}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [after, limit])
        items = [dict(zip(_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"items": items, "next": items[-1]["id"] if items else None})


_CONTACTS_SQL = (
    "SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.title, c.buying_role, "
    "c.account_id, a.name, c.owner_id, u.first_name, u.last_name, u.username, "
    "c.lifecycle_stage, c.external_id, c.created_at, c.updated_at "
    "FROM customers_contact c "
    "LEFT JOIN customers_account a ON a.id = c.account_id "
    "LEFT JOIN org_user u ON u.id = c.owner_id "
    "WHERE c.deleted_at IS NULL AND c.owner_id = %s "
    "AND (c.last_name, c.first_name, c.id) > (%s, %s, %s) "
    "ORDER BY c.last_name, c.first_name, c.id LIMIT %s"
)


def raw_contacts(request: HttpRequest) -> JsonResponse:
    """``?owner=<id>&cursor=<the API's cursor>&limit=50``: one raw keyset query."""
    try:
        owner = int(request.GET["owner"])
        limit = _limit(request)
        token = request.GET.get("cursor", "")
        after = (
            json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if token
            else ["", "", 0]
        )
    except (KeyError, ValueError):
        return JsonResponse({"detail": "bad parameters"}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(_CONTACTS_SQL, [owner, *after, limit + 1])
        rows = cursor.fetchall()
    items = [
        {
            "id": r[0],
            "name": f"{r[1]} {r[2]}".strip(),
            "first_name": r[1],
            "last_name": r[2],
            "email": r[3],
            "phone": r[4],
            "title": r[5],
            "buying_role": r[6],
            "account": {"id": r[7], "name": r[8]} if r[7] else None,
            "owner": {"id": r[9], "name": f"{r[10]} {r[11]}".strip() or r[12]} if r[9] else None,
            "lifecycle_stage": r[13],
            "external_id": r[14],
            "created_at": r[15],
            "updated_at": r[16],
        }
        for r in rows[:limit]
    ]
    last = items[-1] if len(rows) > limit else None
    cursor_out = (
        base64.urlsafe_b64encode(
            json.dumps([last["last_name"], last["first_name"], last["id"]]).encode()
        ).decode()
        if last
        else None
    )
    return JsonResponse({"items": items, "next_cursor": cursor_out})


_TIMELINE_SQL = (
    "SELECT id, kind, title, summary, occurred_at, account_id, contact_id "
    "FROM customers_timelineentry WHERE account_id = %s "
    "ORDER BY occurred_at DESC, id DESC LIMIT %s"
)
_TIMELINE_COLUMNS = ("id", "kind", "title", "summary", "occurred_at", "account_id", "contact_id")


def raw_timeline(request: HttpRequest) -> JsonResponse:
    """``?account=<id>&limit=50``: the newest entries, one raw query."""
    try:
        account = int(request.GET["account"])
        limit = _limit(request)
    except (KeyError, ValueError):
        return JsonResponse({"detail": "bad parameters"}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(_TIMELINE_SQL, [account, limit + 1])
        rows = cursor.fetchall()
    items = [dict(zip(_TIMELINE_COLUMNS, row, strict=True)) for row in rows[:limit]]
    return JsonResponse({"items": items, "next": items[-1]["id"] if len(rows) > limit else None})


_INSERT_CONTACT_SQL = (
    "INSERT INTO customers_contact (first_name, last_name, email, phone, title, buying_role, "
    "lifecycle_stage, external_id, created_at, updated_at) "
    "VALUES (%s, %s, %s, '', %s, '', 'lead', '', %s, %s)"
)


@csrf_exempt
def raw_contact_insert(request: HttpRequest) -> JsonResponse:
    """POST the lead JSON: parse it and insert one contact row, nothing else."""
    try:
        data = json.loads(request.body)
        values = [data.get("first_name", ""), data["last_name"], data["email"].lower()]
    except (KeyError, ValueError, AttributeError):
        return JsonResponse({"detail": "bad body"}, status=400)
    now = timezone.now()
    with connection.cursor() as cursor:
        stamp = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(_INSERT_CONTACT_SQL, [*values, data.get("title", ""), stamp, stamp])
    return JsonResponse({"created": True}, status=201)


urlpatterns = [
    path("bench/raw-users", raw_users),
    path("bench/raw-contacts", raw_contacts),
    path("bench/raw-timeline", raw_timeline),
    path("bench/raw-contact-insert", raw_contact_insert),
    *project_urlpatterns,
]

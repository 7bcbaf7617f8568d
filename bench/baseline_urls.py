"""The project's URLs plus ``/bench/raw-users``: 50 users as JSON from one raw query."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

from interlock.urls import urlpatterns as project_urlpatterns

_SQL = (
    "SELECT id, username, first_name, last_name, email, role, is_active "
    "FROM org_user WHERE id > %s ORDER BY id LIMIT %s"
)
_COLUMNS = ("id", "username", "first_name", "last_name", "email", "role", "is_active")


def raw_users(request: HttpRequest) -> JsonResponse:
    """The least Django can do for a page: no auth, no ORM, no schema."""
    try:
        after = int(request.GET.get("after", "0"))
        limit = min(200, max(1, int(request.GET.get("limit", "50"))))
    except ValueError:
        return JsonResponse({"detail": "bad parameters"}, status=400)
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [after, limit])
        items = [dict(zip(_COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"items": items, "next": items[-1]["id"] if items else None})


urlpatterns = [path("bench/raw-users", raw_users), *project_urlpatterns]

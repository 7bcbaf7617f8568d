"""The unread count beside the bell in the page header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from interlock.notify import selectors


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never show the header (e-mails, partials) run no query.
    return {"notifications_unread": lambda: selectors.unread_count(user)}

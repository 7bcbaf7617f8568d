"""Template context for the page shell: navigation and what the user may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from interlock.core import policy


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "may": {
            action: policy.can(user, action)
            for action in (
                "org.view",
                "trash.view",
                "audit.view",
                "admin.site",
                "token.manage",
                "import.run",
                "sales.configure",
            )
        }
        if user is not None and user.is_authenticated
        else {},
    }

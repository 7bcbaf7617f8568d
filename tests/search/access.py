"""Access cases of the search app (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")

WEB: dict[str, Case] = {
    "search:results": Case(allowed=SIGNED_IN, denied=("anon",)),
    "search:suggest": Case(allowed=SIGNED_IN, denied=("anon",)),
}
# Every signed-in role may search; what each may see is filtered by kind
# (customer.view, sales.view, feedback.view: see tests/search/test_selectors.py).
API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/search"): Case(path=f"{P}/search?q=kessler", allowed=SIGNED_IN, denied=("anon",)),
}

__all__ = ["API", "WEB", "Any"]

"""Access cases of lead management, routing part (merged into tests/access_web.py and access_api.py)."""

from __future__ import annotations

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")

WEB: dict[str, Case] = {}
API: dict[tuple[str, str], Case] = {}

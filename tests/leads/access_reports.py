"""Access cases of lead management, reports part (merged into tests/access_web.py and access_api.py)."""

from __future__ import annotations

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
ANON = ("anon",)

WEB: dict[str, Case] = {
    "leads:funnel": Case(allowed=SIGNED_IN, denied=ANON),
    "leads:speed": Case(allowed=SIGNED_IN, denied=ANON),
}
API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/reports/funnel"): Case(allowed=SIGNED_IN, denied=ANON),
    ("GET", f"{P}/reports/speed-to-lead"): Case(allowed=SIGNED_IN, denied=ANON),
}

"""Access cases of the sales app (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

WEB: dict[str, Case] = {}
API: dict[tuple[str, str], Case] = {}
_ = Any

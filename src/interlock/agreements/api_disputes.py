"""REST endpoints of team agreements: disputes."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["agreements"])

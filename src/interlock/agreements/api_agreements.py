"""REST endpoints of team agreements: agreements."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["agreements"])

"""REST endpoints of lead management: capture."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["leads"])

"""REST endpoints of lead management: handoff."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["leads"])

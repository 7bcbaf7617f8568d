"""REST endpoints of lead management: scoring."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["leads"])

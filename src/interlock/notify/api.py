"""REST endpoints of notifications (the caller's own)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["notifications"])

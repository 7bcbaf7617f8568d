"""REST endpoints of lead management: one router made of each part's router."""

from __future__ import annotations

from ninja import Router

from interlock.leads import (
    api_capture,
    api_feedback,
    api_handoff,
    api_reports,
    api_routing,
    api_scoring,
)

router = Router()
for part in (api_handoff, api_scoring, api_routing, api_capture, api_reports, api_feedback):
    router.add_router("/", part.router)

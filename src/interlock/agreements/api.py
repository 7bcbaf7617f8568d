"""REST endpoints of team agreements: one router made of each part's router."""

from __future__ import annotations

from ninja import Router

from interlock.agreements import api_agreements, api_disputes, api_requests, api_scorecards

router = Router()
for part in (api_agreements, api_scorecards, api_disputes, api_requests):
    router.add_router("/", part.router)

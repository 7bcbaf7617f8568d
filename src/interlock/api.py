"""The REST API: one NinjaAPI, one router per app (mounted here, the top floor)."""

from interlock.core.api import build_api
from interlock.core.api_routes import router as platform_router
from interlock.org.api import router as org_router

api = build_api()
api.add_router("/", platform_router)
api.add_router("/", org_router)

"""The REST API: one NinjaAPI, one router per app (mounted here, the top floor)."""

from interlock.agreements.api import router as agreements_router
from interlock.campaigns.api import router as campaigns_router
from interlock.core.api import build_api
from interlock.core.api_routes import router as platform_router
from interlock.customers.api import router as customers_router
from interlock.feedback.api import router as feedback_router
from interlock.imports.api import router as imports_router
from interlock.leads.api import router as leads_router
from interlock.lists.api import router as lists_router
from interlock.notify.api import router as notify_router
from interlock.org.api import router as org_router
from interlock.sales.api import router as sales_router
from interlock.search.api import router as search_router

api = build_api()
api.add_router("/", platform_router)
api.add_router("/", org_router)
api.add_router("/", customers_router)
api.add_router("/", sales_router)
api.add_router("/", feedback_router)
api.add_router("/", campaigns_router)
api.add_router("/", leads_router)
api.add_router("/", agreements_router)
api.add_router("/", notify_router)
api.add_router("/", lists_router)
api.add_router("/", imports_router)
api.add_router("/", search_router)

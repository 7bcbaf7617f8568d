"""URL map: pages per app, the admin, the REST API under /api/v1/."""

from django.urls import include, path

from interlock.api import api
from interlock.core import views as core_views
from interlock.core.admin import site as admin_site
from interlock.org import views as org_views

urlpatterns = [
    # The API first: its calls are the most frequent, and Django tries patterns in order.
    path("api/v1/", api.urls),
    path("", org_views.dashboard, name="dashboard"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("interlock.core.urls_auth")),
    path("i18n/setlang/", org_views.language_set, name="set_language"),
    path("platform/", include("interlock.core.urls")),
    path("org/", include("interlock.org.urls")),
    path("customers/", include("interlock.customers.urls")),
    path("sales/", include("interlock.sales.urls")),
    path("feedback/", include("interlock.feedback.urls")),
    path("campaigns/", include("interlock.campaigns.urls")),
    path("leads/", include("interlock.leads.urls")),
    path("agreements/", include("interlock.agreements.urls")),
    path("notifications/", include("interlock.notify.urls")),
    path("lists/", include("interlock.lists.urls")),
    path("import/", include("interlock.imports.urls")),
    path("search/", include("interlock.search.urls")),
    path("admin/", admin_site.urls),
]

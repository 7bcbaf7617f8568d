"""Pages of team agreements; each part keeps its own URL module."""

from __future__ import annotations

from interlock.agreements import urls_agreements, urls_disputes, urls_requests, urls_scorecards

app_name = "agreements"

urlpatterns = [
    *urls_scorecards.urlpatterns,
    *urls_disputes.urlpatterns,
    *urls_requests.urlpatterns,
    *urls_agreements.urlpatterns,
]

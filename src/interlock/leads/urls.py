"""Pages of lead management; each part keeps its own URL module."""

from __future__ import annotations

from interlock.leads import (
    urls_capture,
    urls_feedback,
    urls_handoff,
    urls_reports,
    urls_routing,
    urls_scoring,
)

app_name = "leads"

urlpatterns = [
    *urls_handoff.urlpatterns,
    *urls_scoring.urlpatterns,
    *urls_routing.urlpatterns,
    *urls_capture.urlpatterns,
    *urls_reports.urlpatterns,
    *urls_feedback.urlpatterns,
]

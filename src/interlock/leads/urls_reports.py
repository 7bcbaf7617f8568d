"""Pages of lead management: reports."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.leads import views_reports

urlpatterns: list[URLPattern] = [
    path("reports/funnel/", views_reports.funnel, name="funnel"),
    path("reports/speed-to-lead/", views_reports.speed, name="speed"),
]

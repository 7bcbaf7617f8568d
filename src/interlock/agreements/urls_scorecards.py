"""Pages of team agreements: scorecards."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.agreements import views_scorecards

urlpatterns: list[URLPattern] = [
    path("scorecards/", views_scorecards.overview, name="overview"),
    path("<int:pk>/scorecard/", views_scorecards.scorecard, name="scorecard"),
    path("<int:pk>/obligations/", views_scorecards.obligations, name="obligations"),
]

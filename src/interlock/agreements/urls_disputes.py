"""Pages of team agreements: disputes."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.agreements import views_disputes as views

urlpatterns: list[URLPattern] = [
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<int:pk>/decide/", views.dispute_decide, name="dispute_decide"),
    path("obligations/<int:pk>/dispute/", views.dispute_raise, name="dispute_raise"),
]

"""Pages of lead management: marketing's answer to a rejection."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.leads import views_feedback as views

urlpatterns: list[URLPattern] = [
    path("handoffs/<int:pk>/answer/", views.handoff_answer, name="handoff_answer"),
]

"""Pages of team agreements: requests."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.agreements import views_requests as views

urlpatterns: list[URLPattern] = [
    path("requests/", views.requests, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/deliver/", views.request_deliver, name="request_deliver"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
]

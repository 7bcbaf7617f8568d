"""Pages of lead management: routing."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.leads import views_routing as views

urlpatterns: list[URLPattern] = [
    path("routing/", views.routing, name="routing"),
    path("routing/rules/new/", views.routing_rule_create, name="routing_rule_create"),
    path("routing/rules/<int:pk>/", views.routing_rule_edit, name="routing_rule_edit"),
    path("routing/rules/<int:pk>/delete/", views.routing_rule_delete, name="routing_rule_delete"),
    path("routing/rules/<int:pk>/move/", views.routing_rule_move, name="routing_rule_move"),
    path("routing/default-queue/", views.routing_default, name="routing_default"),
]

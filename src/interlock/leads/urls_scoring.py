"""Pages of lead management: scoring."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.leads import views_scoring as views

urlpatterns: list[URLPattern] = [
    path("scoring/", views.scoring_page, name="scoring"),
    path("scoring/rules/new/", views.rule_create, name="scoring_rule_create"),
    path("scoring/rules/<int:pk>/", views.rule_edit, name="scoring_rule_edit"),
    path("scoring/rules/<int:pk>/delete/", views.rule_delete, name="scoring_rule_delete"),
    path("scoring/rules/<int:pk>/move/", views.rule_move, name="scoring_rule_move"),
    path("scoring/rules/<int:pk>/toggle/", views.rule_toggle, name="scoring_rule_toggle"),
    path("scoring/engagement/", views.engagement_set, name="scoring_engagement"),
    path("scoring/settings/", views.settings_update, name="scoring_settings"),
    path("scoring/rescore/", views.rescore, name="rescore"),
    path("scoring/rescore/status/", views.rescore_status, name="rescore_status"),
    path("contact/<int:pk>/score/", views.score_panel, name="score_panel"),
]

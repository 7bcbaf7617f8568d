"""Pages of lead management: lifecycle and handoff."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.leads import views_handoff as views

urlpatterns: list[URLPattern] = [
    path("my/", views.my_leads, name="my_leads"),
    path("queue/", views.team_queue, name="team_queue"),
    path("handoffs/<int:pk>/accept/", views.handoff_accept, name="handoff_accept"),
    path("handoffs/<int:pk>/reject/", views.handoff_reject, name="handoff_reject"),
    path("handoffs/<int:pk>/dispute/", views.handoff_dispute, name="handoff_dispute"),
    path("handoffs/<int:pk>/settle/", views.handoff_settle, name="handoff_settle"),
    path("rejections/", views.rejections, name="rejections"),
    path("contact/<int:pk>/lead/", views.contact_panel, name="contact_panel"),
    path("contact/<int:pk>/lead/stage/", views.contact_stage, name="contact_stage"),
    path("contact/<int:pk>/lead/qualify/", views.contact_qualify, name="contact_qualify"),
    path("settings/rejection-reasons/", views.reasons, name="reasons"),
    path("settings/rejection-reasons/<int:pk>/", views.reason_edit, name="reason_edit"),
]

"""Pages of lead management: capture forms and their public endpoint."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.leads import views_capture as views

urlpatterns: list[URLPattern] = [
    path("capture-forms/", views.capture_forms, name="capture_forms"),
    path("capture-forms/new/", views.capture_form_create, name="capture_form_create"),
    path("capture-forms/<int:pk>/", views.capture_form_edit, name="capture_form_edit"),
    path("capture-forms/<int:pk>/delete/", views.capture_form_delete, name="capture_form_delete"),
    path("f/<str:key>", views.capture_post, name="capture_post"),
]

"""Pages of notifications: the inbox and the e-mail setting."""

from __future__ import annotations

from django.urls import URLPattern, path

from interlock.notify import views

app_name = "notify"

urlpatterns: list[URLPattern] = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/read/", views.read, name="read"),
    path("settings/", views.settings_page, name="settings"),
]

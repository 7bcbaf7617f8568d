"""Pages of notifications: the inbox and the e-mail setting."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

app_name = "notify"

urlpatterns: list[URLPattern] = []

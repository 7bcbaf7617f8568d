"""Pages of lead management: capture."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

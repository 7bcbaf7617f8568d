"""Rollups that keep the funnel and speed-to-lead reports fast (owned by the reports work)."""

from __future__ import annotations

"""How the feedback kinds are named on account and contact timelines."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


def register_labels() -> None:
    """Label the ``complaint`` and ``idea`` timeline kinds (translated when shown)."""
    from interlock.customers import timeline

    timeline.register_kind("complaint", gettext_lazy("Complaint"))
    timeline.register_kind("idea", gettext_lazy("Idea"))

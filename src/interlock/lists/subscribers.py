"""Reactions of the lists app to other apps' events: tags follow a merge."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType

from interlock.core.events import subscribe

MERGES = {"account.merged": ("customers", "account"), "contact.merged": ("customers", "contact")}


def on_merge(event: Any) -> None:
    """Move the merged record's tags to the survivor (keeping one of each)."""
    from interlock.lists.services import tags_move

    app_label, model = MERGES[event.type]
    content_type = ContentType.objects.get_by_natural_key(app_label, model)
    merged = event.payload.get("merged_id")
    if merged:
        tags_move(content_type=content_type, from_id=int(merged), to_id=int(event.subject_id))


def connect() -> None:
    subscribe(*MERGES, name="lists.tags_follow_merge")(on_merge)

"""Reads of the lists app: visible saved views, tags, tags of rows, tag filter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from interlock.lists.models import SavedView, Tag, TaggedItem


def visible_views(user: Any, list_key: str | None = None) -> QuerySet[SavedView]:
    """The user's own saved views and those shared with a team the user belongs to."""
    if not getattr(user, "pk", None):
        return SavedView.objects.none()
    team_ids = user.memberships.values("team_id")
    qs = SavedView.objects.filter(Q(owner=user) | Q(team_id__in=team_ids)).select_related(
        "owner", "team"
    )
    if list_key:
        qs = qs.filter(list_key=list_key)
    return qs


def tags() -> QuerySet[Tag]:
    return Tag.objects.order_by("name", "id")


def tag_named(name: str) -> Tag | None:
    return Tag.objects.filter(name__iexact=name.strip()).first() if name.strip() else None


def with_tag(qs: QuerySet[Any], name: str) -> QuerySet[Any]:
    """Only the rows carrying the tag ``name`` (any case); none if no such tag exists."""
    tag = tag_named(name)
    if tag is None:
        return qs.none()
    content_type = ContentType.objects.get_for_model(qs.model)
    tagged = TaggedItem.objects.filter(tag=tag, content_type=content_type).values("object_id")
    return qs.filter(pk__in=tagged)


def tags_of(model: type[Model], ids: Iterable[int]) -> dict[int, list[Tag]]:
    """Tags of each row id, by name; one query for a whole page."""
    content_type = ContentType.objects.get_for_model(model)
    found: dict[int, list[Tag]] = defaultdict(list)
    items = (
        TaggedItem.objects.filter(content_type=content_type, object_id__in=list(ids))
        .select_related("tag")
        .order_by("tag__name")
    )
    for item in items:
        found[item.object_id].append(item.tag)
    return dict(found)

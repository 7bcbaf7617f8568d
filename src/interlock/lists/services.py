"""Writes of the lists app: saved views, tags and bulk actions.

Bulk actions are all-or-nothing: every chosen record must exist and the
policy must allow the change on each of them, or nothing is written. The
changes themselves go through the owning app's services (``ListSpec.assign``
and ``ListSpec.trash``), so audit entries and domain events are as usual.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.lists import registry
from interlock.lists.models import SavedView, Tag, TaggedItem
from interlock.lists.registry import ListSpec

BULK_MAX = 500
QUERY_MAX = 2000
# Query parameters that belong to the list but not to its form.
LIST_PARAMS = ("tag",)


def _no_nul(value: str, field: str) -> str:
    if "\x00" in value:
        raise ValidationError({field: _("Text must not contain NUL characters.")})
    return value


def _name(value: str, field: str, max_length: int) -> str:
    value = _no_nul(str(value or ""), field).strip()
    if not value:
        raise ValidationError({field: _("Enter a name.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Use at most %(n)d characters.") % {"n": max_length}})
    return value


def clean_query(spec: ListSpec, query: str) -> str:
    """Only the list's filter and sort parameters, in a stable form (no page, no columns)."""
    _no_nul(query, "query")
    if len(query) > QUERY_MAX:
        raise ValidationError({"query": _("The filters are too long to be saved.")})
    allowed = set(spec.form(None).fields) | set(LIST_PARAMS)
    pairs = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k in allowed and v]
    cleaned = urlencode(pairs)
    if len(cleaned) > QUERY_MAX:  # percent-encoding makes non-ASCII text longer
        raise ValidationError({"query": _("The filters are too long to be saved.")})
    return cleaned


def clean_columns(spec: ListSpec, columns: Iterable[str] | None) -> list[str]:
    known = spec.column_map()
    chosen = [str(c) for c in (columns or [])]
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise ValidationError(
            {"columns": _("Unknown columns: %(names)s") % {"names": ", ".join(unknown[:5])}}
        )
    return [c.key for c in spec.columns if c.key in chosen]


def _check_team(actor: Any, team: Any) -> None:
    if team is None:
        return
    if getattr(team, "deleted_at", None) is not None:
        raise ValidationError({"team": _("This team is in the trash.")})
    if policy.is_oversight(actor):
        return
    if not actor.memberships.filter(team_id=team.pk).exists():
        raise ValidationError({"team": _("You can only share a view with a team you belong to.")})


def _unique_name(actor: Any, list_key: str, name: str, exclude: int | None = None) -> None:
    clash = SavedView.objects.filter(owner=actor, list_key=list_key, name__iexact=name)
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError(
            {"name": _("You already have a view of this list called “%(name)s”.") % {"name": name}}
        )


# --- saved views ----------------------------------------------------------------------------


def saved_view_create(
    *,
    actor: Any,
    list_key: str,
    name: str,
    query: str = "",
    columns: Sequence[str] | None = None,
    team: Any = None,
) -> SavedView:
    spec = registry.get(list_key)
    policy.require(actor, spec.view_rule)
    policy.require(actor, spec.write_rule)
    view = SavedView(
        owner=actor,
        list_key=list_key,
        name=_name(name, "name", 100),
        query=clean_query(spec, query),
        columns=clean_columns(spec, columns),
        team=team,
    )
    _check_team(actor, team)
    with transaction.atomic():
        _unique_name(actor, list_key, view.name)
        view.save()
        events.record(
            "saved_view.created",
            subject=view,
            actor=actor,
            payload={"list": list_key, "name": view.name, "team_id": view.team_id},
        )
    return view


def _owned(actor: Any, view: SavedView) -> None:
    if view.owner_id != getattr(actor, "pk", None):
        raise PermissionDenied("saved_view.owner")


def saved_view_update(*, actor: Any, view: SavedView, **fields: Any) -> SavedView:
    """Change name, query, columns or team (``team=None`` makes it private again)."""
    spec = registry.get(view.list_key)
    policy.require(actor, spec.write_rule)
    _owned(actor, view)
    unknown = set(fields) - {"name", "query", "columns", "team"}
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "name" in fields:
        fields["name"] = _name(fields["name"], "name", 100)
    if "query" in fields:
        fields["query"] = clean_query(spec, fields["query"] or "")
    if "columns" in fields:
        fields["columns"] = clean_columns(spec, fields["columns"])
    if "team" in fields:
        _check_team(actor, fields["team"])
    with transaction.atomic():
        view = SavedView.objects.select_for_update().get(pk=view.pk)
        if "name" in fields:
            _unique_name(actor, view.list_key, fields["name"], exclude=view.pk)
        changed = sorted(n for n, v in fields.items() if getattr(view, n) != v)
        for name in changed:
            setattr(view, name, fields[name])
        view.save()
        if changed:
            events.record(
                "saved_view.updated",
                subject=view,
                actor=actor,
                payload={"list": view.list_key, "fields": changed, "team_id": view.team_id},
            )
    return view


def saved_view_delete(*, actor: Any, view: SavedView) -> None:
    spec = registry.get(view.list_key)
    policy.require(actor, spec.write_rule)
    _owned(actor, view)
    with transaction.atomic():
        events.record(
            "saved_view.deleted",
            subject=view,
            actor=actor,
            payload={"list": view.list_key, "name": view.name},
        )
        view.delete()


# --- tags -----------------------------------------------------------------------------------


def tag_create(*, actor: Any, name: str) -> Tag:
    """A new tag; a name that exists in any case is refused (code "duplicate")."""
    policy.require(actor, "customer.write")
    name = _name(name, "name", 50)
    with transaction.atomic():
        if Tag.objects.filter(name__iexact=name).exists():
            message = _("The tag “%(name)s” exists already.") % {"name": name}
            raise ValidationError({"name": ValidationError(message, code="duplicate")})
        tag = Tag(name=name)
        try:
            with transaction.atomic():
                tag.save()
        except IntegrityError:
            message = _("The tag “%(name)s” exists already.") % {"name": name}
            raise ValidationError({"name": ValidationError(message, code="duplicate")}) from None
        events.record("tag.created", subject=tag, actor=actor, payload={"name": name})
    return tag


def _tag_for(name: str, *, create: bool) -> Tag | None:
    name = _name(name, "tag", 50)
    found = Tag.objects.filter(name__iexact=name).first()
    if found is not None or not create:
        return found
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:  # created meanwhile, or a name differing only in case rules
        found = Tag.objects.filter(name__iexact=name).first()
        if found is None:
            raise ValidationError(
                {"tag": _("A tag with nearly the same name exists; use that one.")}
            ) from None
        return found


# --- bulk actions ---------------------------------------------------------------------------


def _targets(actor: Any, spec: ListSpec, ids: Sequence[int]) -> list[Any]:
    """The live records ``ids`` of the list, each one allowed; else nothing at all."""
    policy.require(actor, spec.write_rule)
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise ValidationError({"ids": _("Choose at least one row.")})
    if len(wanted) > BULK_MAX:
        raise ValidationError({"ids": _("Choose at most %(n)d rows at a time.") % {"n": BULK_MAX}})
    # Only rows the list itself holds for this person (e.g. "my work": own open tasks).
    scope = spec.rows(actor, {}).order_by().values("pk")
    manager = spec.model._default_manager
    found = list(
        manager.select_for_update().filter(pk__in=wanted).filter(pk__in=scope).order_by("pk")
    )
    if len(found) != len(wanted):
        missing = len(wanted) - len(found)
        raise ValidationError(
            {
                "ids": _(
                    "%(n)d of the chosen rows no longer exist or are in the trash; "
                    "nothing was changed. Reload the list and try again."
                )
                % {"n": missing}
            }
        )
    for obj in found:
        if not policy.can(actor, spec.write_rule, obj):
            raise PermissionDenied(spec.write_rule)
    return found


def _bulk_event(action: str, spec: ListSpec, subject: Model, actor: Any, **payload: Any) -> None:
    events.record(
        f"list.bulk_{action}",
        subject=subject,
        actor=actor,
        payload={"list": spec.key, **payload},
    )


def bulk_assign_owner(*, actor: Any, list_key: str, ids: Sequence[int], owner: Any) -> int:
    spec = registry.get(list_key)
    if spec.assign is None:
        raise ValidationError(_("The rows of this list have no owner to change."))
    if owner is None or not getattr(owner, "is_active", False):
        raise ValidationError({"owner": _("Choose an active user as the new owner.")})
    with transaction.atomic():
        rows = _targets(actor, spec, ids)
        for obj in rows:
            spec.assign(actor=actor, obj=obj, owner=owner)
        _bulk_event("assign_owner", spec, owner, actor, ids=[r.pk for r in rows], owner_id=owner.pk)
    return len(rows)


def bulk_trash(*, actor: Any, list_key: str, ids: Sequence[int]) -> int:
    spec = registry.get(list_key)
    if spec.trash is None:
        raise ValidationError(_("The rows of this list cannot be moved to the trash."))
    with transaction.atomic():
        rows = _targets(actor, spec, ids)
        for obj in rows:
            spec.trash(actor=actor, obj=obj)
    return len(rows)


def tags_add(*, actor: Any, list_key: str, ids: Sequence[int], name: str) -> int:
    """Tag the rows with ``name`` (creating the tag if new); how many rows were newly tagged."""
    spec = registry.get(list_key)
    with transaction.atomic():
        rows = _targets(actor, spec, ids)
        tag = _tag_for(name, create=True)
        assert tag is not None
        content_type = ContentType.objects.get_for_model(spec.model)
        have = set(
            TaggedItem.objects.filter(
                tag=tag, content_type=content_type, object_id__in=[r.pk for r in rows]
            ).values_list("object_id", flat=True)
        )
        added = [r.pk for r in rows if r.pk not in have]
        for pk in added:  # one by one, so that each gets its audit entry
            TaggedItem.objects.create(tag=tag, content_type=content_type, object_id=pk)
        if added:
            _bulk_event("add_tag", spec, tag, actor, ids=added, tag=tag.name)
    return len(added)


def tags_remove(*, actor: Any, list_key: str, ids: Sequence[int], name: str) -> int:
    """Take the tag ``name`` off the rows; how many rows carried it."""
    spec = registry.get(list_key)
    with transaction.atomic():
        rows = _targets(actor, spec, ids)
        tag = _tag_for(name, create=False)
        if tag is None:
            return 0
        content_type = ContentType.objects.get_for_model(spec.model)
        items = list(
            TaggedItem.objects.filter(
                tag=tag, content_type=content_type, object_id__in=[r.pk for r in rows]
            )
        )
        for item in items:
            item.delete()
        if items:
            _bulk_event(
                "remove_tag", spec, tag, actor, ids=[i.object_id for i in items], tag=tag.name
            )
    return len(items)


def bulk_run(
    *,
    actor: Any,
    list_key: str,
    action: str,
    ids: Sequence[int],
    owner: Any = None,
    tag: str = "",
) -> int:
    """One bulk action by name (see ``registry.ACTIONS``); the number of rows changed."""
    spec = registry.get(list_key)
    if action not in spec.actions:
        raise ValidationError({"action": _("This list does not offer that action.")})
    if action == registry.ASSIGN:
        return bulk_assign_owner(actor=actor, list_key=list_key, ids=ids, owner=owner)
    if action == registry.ADD_TAG:
        return tags_add(actor=actor, list_key=list_key, ids=ids, name=tag)
    if action == registry.REMOVE_TAG:
        return tags_remove(actor=actor, list_key=list_key, ids=ids, name=tag)
    return bulk_trash(actor=actor, list_key=list_key, ids=ids)


def owner_by_id(pk: int | None) -> Any:
    if not pk:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


# --- merges ---------------------------------------------------------------------------------


def tags_move(*, content_type: ContentType, from_id: int, to_id: int) -> int:
    """Give record ``to_id`` the tags of ``from_id`` (after a merge); how many moved."""
    with transaction.atomic():
        have = set(
            TaggedItem.objects.filter(content_type=content_type, object_id=to_id).values_list(
                "tag_id", flat=True
            )
        )
        moved = 0
        for item in TaggedItem.objects.filter(content_type=content_type, object_id=from_id):
            if item.tag_id in have:
                item.delete()
            else:
                item.object_id = to_id
                item.save(update_fields=["object_id"])
                moved += 1
    return moved

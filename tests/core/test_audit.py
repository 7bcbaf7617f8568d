"""Every change is kept: who, when, source, field, old and new value."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from interlock.core.context import Source, acting
from interlock.core.models import AuditEntry
from interlock.org import services
from interlock.org.models import Team, User

pytestmark = pytest.mark.django_db


def _entries(obj: Any) -> Any:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("timestamp", "pk")


def test_create_and_update_are_audited_with_source_and_actor(people: Any) -> None:
    with acting(people.admin, Source.API, "192.0.2.7"):
        team = services.team_create(actor=people.admin, name="Partners")
        services.team_update(actor=people.admin, team=team, name="Channel partners")
    created, updated = _entries(team)
    assert created.action == AuditEntry.Action.CREATE
    assert updated.changes_dict["name"] == ["Partners", "Channel partners"]
    assert (updated.actor, updated.source, updated.remote_addr) == (
        people.admin,
        Source.API,
        "192.0.2.7",
    )


def test_system_changes_are_marked_as_system(people: Any) -> None:
    team = Team.objects.create(name="Ops", slug="ops")
    assert _entries(team).get().source == Source.SYSTEM
    assert _entries(team).get().actor is None


def test_passwords_never_reach_the_audit_log(people: Any) -> None:
    with acting(people.admin, Source.WEB):
        user = services.user_create(
            actor=people.admin, username="newbie", password="s3cret-Passw0rd!"
        )
    entry = _entries(user).get()
    assert "password" not in entry.changes_dict
    assert "s3cret" not in str(entry.changes)


def test_audit_entries_cannot_be_changed(people: Any) -> None:
    entry = _entries(people.sales).first() or AuditEntry.objects.first()
    assert entry is not None
    entry.changes_text = "tampered"
    with pytest.raises(ValueError, match="cannot be changed"):
        entry.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        entry.delete()


def test_user_model_changes_are_field_level(people: Any) -> None:
    with acting(people.admin, Source.WEB):
        services.user_update(actor=people.admin, user=people.member, title="Key account manager")
    entry = _entries(people.member).filter(action=AuditEntry.Action.UPDATE).get()
    assert entry.changes_dict == {"title": ["", "Key account manager"]}
    assert User.objects.get(pk=people.member.pk).title == "Key account manager"

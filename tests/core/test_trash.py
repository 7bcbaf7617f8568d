"""Deleting moves to the trash: hidden, restorable for 30 days, then purged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from interlock.core import trash
from interlock.core.models import Event
from interlock.org import services
from interlock.org.models import Absence, Team

pytestmark = pytest.mark.django_db


def test_deleted_team_is_hidden_and_remembered(people: Any) -> None:
    services.team_delete(actor=people.admin, team=people.marketing)
    assert not Team.objects.filter(pk=people.marketing.pk).exists()
    kept = Team.all_objects.get(pk=people.marketing.pk)
    assert kept.in_trash and kept.deleted_by == people.admin
    assert Event.objects.filter(type="trash.moved", subject_id=kept.pk).exists()


def test_restore_brings_it_back(people: Any) -> None:
    services.team_delete(actor=people.admin, team=people.marketing)
    trash.trash_restore(obj=Team.all_objects.get(pk=people.marketing.pk), actor=people.admin)
    assert Team.objects.filter(pk=people.marketing.pk).exists()


def test_purge_removes_only_what_is_older_than_retention(people: Any) -> None:
    services.team_delete(actor=people.admin, team=people.marketing)
    services.team_delete(actor=people.admin, team=people.sales)
    Team.all_objects.filter(pk=people.marketing.pk).update(
        deleted_at=timezone.now() - timedelta(days=31)
    )
    assert trash.trash_purge_expired() == 1
    assert not Team.all_objects.filter(pk=people.marketing.pk).exists()
    assert Team.all_objects.filter(pk=people.sales.pk).exists()  # 0 days in the trash


def test_members_cannot_delete_teams(people: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.team_delete(actor=people.lead, team=people.sales)
    assert Team.objects.filter(pk=people.sales.pk).exists()


def test_trash_knows_every_trashable_model() -> None:
    assert {Team, Absence} <= set(trash.trashable_models())
    with pytest.raises(LookupError):
        trash.model_for("org.membership")

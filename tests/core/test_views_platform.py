"""API tokens, trash and audit log pages; the admin site's rights."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from interlock.core.models import ApiToken, AuditEntry, Event, EventDelivery
from interlock.core.tokens import token_create
from interlock.core.trash import trash_move
from interlock.org.models import Absence, Team
from tests.conftest import make_team

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


# --- tokens ---------------------------------------------------------------------------


def test_token_secret_is_shown_once(people: Any, client_as: Any) -> None:
    client = client_as("member")
    response = client.post(
        reverse("platform:token_create"), {"name": "Reporting", "scope": "write"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=people.member)
    assert token.scope == "write"
    html = response.content.decode()
    secret = html.split('id="new-token" type="text" value="')[1].split('"')[0]
    assert secret.startswith("il_" + token.prefix)
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("platform:tokens")).content.decode()
    assert secret not in again
    assert token.digest not in again
    assert "Reporting" in again


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "scope": "read"},
        {"name": "   ", "scope": "read"},
        {"name": "x", "scope": "admin"},
        {"name": "x" * 101, "scope": "read"},
        {},
    ],
)
def test_token_bad_input_is_a_form_error(body: dict[str, str], people: Any, client_as: Any) -> None:
    response = client_as("member").post(reverse("platform:token_create"), body)
    assert response.status_code == 422
    assert "Please correct the marked fields." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_readonly_person_gets_no_write_token(people: Any, client_as: Any) -> None:
    client = client_as("readonly")
    assert 'value="write"' not in client.get(reverse("platform:tokens")).content.decode()
    response = client.post(reverse("platform:token_create"), {"name": "x", "scope": "write"})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()
    assert (
        client.post(reverse("platform:token_create"), {"name": "x", "scope": "read"}).status_code
        == 200
    )


def test_revoke_own_token_only(people: Any, client_as: Any) -> None:
    mine, _raw = token_create(user=people.member, name="mine")
    theirs, _raw = token_create(user=people.lead, name="theirs")
    client = client_as("member")
    assert client.post(reverse("platform:token_revoke", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("platform:token_revoke", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None
    assert "theirs" not in client.get(reverse("platform:tokens")).content.decode()


# --- trash ----------------------------------------------------------------------------


def test_trash_lists_who_deleted_and_restores(people: Any, client_as: Any) -> None:
    now = timezone.now()
    absence = Absence.objects.create(
        user=people.member,
        deputy=people.lead,
        starts_at=now,
        ends_at=now + timedelta(days=1),
        reason="Fair",
    )
    trash_move(obj=absence, actor=people.lead)
    client = client_as("admin")
    html = client.get(reverse("platform:trash")).content.decode()
    assert str(absence) in html
    assert "Lead Test" in html
    response = client.post(reverse("platform:trash_restore", args=["org.absence", absence.pk]))
    assert response.status_code == 302
    absence.refresh_from_db()
    assert absence.deleted_at is None
    # A second restore finds nothing in the trash.
    assert (
        client.post(reverse("platform:trash_restore", args=["org.absence", absence.pk])).status_code
        == 404
    )


def test_trash_restore_unknown_kind_is_404(people: Any, client_as: Any) -> None:
    client = client_as("admin")
    assert (
        client.post(reverse("platform:trash_restore", args=["org.membership", 1])).status_code
        == 404
    )
    assert (
        client.post(reverse("platform:trash_restore", args=["nope.nothing", 1])).status_code == 404
    )


def test_trash_restore_clash_is_a_message_not_an_error(people: Any, client_as: Any) -> None:
    old = make_team("Events", "events")
    trash_move(obj=old, actor=people.admin)
    make_team("Events", "events")
    response = client_as("admin").post(
        reverse("platform:trash_restore", args=["org.team", old.pk]), follow=True
    )
    assert response.status_code == 200
    assert "cannot be restored" in response.content.decode()
    assert Team.all_objects.get(pk=old.pk).deleted_at is not None


# --- audit ----------------------------------------------------------------------------


def test_audit_log_lists_and_filters(people: Any, client_as: Any) -> None:
    from interlock.org import services

    services.membership_set(actor=people.admin, team=people.marketing, user=people.member)
    client = client_as("manager")
    html = client.get(reverse("platform:audit")).content.decode()
    assert "Membership: Member Test @ Marketing (member)" in html
    from django.contrib.contenttypes.models import ContentType

    team_type = ContentType.objects.get(app_label="org", model="team")
    html = client.get(reverse("platform:audit"), {"model": team_type.pk}).content.decode()
    assert "Team: Sales" in html
    assert "Membership: Member Test" not in html


def test_audit_filter_bad_input_is_a_form_error(people: Any, client_as: Any) -> None:
    response = client_as("admin").get(reverse("platform:audit"), {"model": "999999", "actor": "x"})
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_audit_htmx_answers_with_the_table_only(people: Any, client_as: Any) -> None:
    response = client_as("admin").get(reverse("platform:audit"), {"actor": people.admin.pk}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="audit-table"')
    assert "<html" not in html


def test_audit_is_paginated(people: Any, client_as: Any) -> None:
    assert AuditEntry.objects.count() > 0
    from interlock.core import views

    count = AuditEntry.objects.count()
    views.AUDIT_PAGE_SIZE, saved = 3, views.AUDIT_PAGE_SIZE
    try:
        html = client_as("admin").get(reverse("platform:audit"), {"page": 2}).content.decode()
    finally:
        views.AUDIT_PAGE_SIZE = saved
    assert f"Page 2 of {-(-count // 3)}" in html
    assert 'rel="prev"' in html


# --- admin ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "lead", "member", "readonly"])
def test_admin_is_forbidden_to_everyone_but_admins(role: str, client_as: Any) -> None:
    assert client_as(role).get("/admin/").status_code == 403
    assert client_as(role).get("/admin/org/user/").status_code == 403


def test_admin_sends_anonymous_visitors_to_the_one_login(client_as: Any) -> None:
    response = client_as("anon").get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("login") + "?next=/admin/"
    assert response.status_code == 200


def test_admin_works_for_admins(people: Any, client_as: Any) -> None:
    client = client_as("admin")
    for path in (
        "/admin/",
        "/admin/org/user/",
        f"/admin/org/user/{people.member.pk}/change/",
        "/admin/org/user/add/",
        "/admin/org/team/",
        f"/admin/org/team/{people.sales.pk}/change/",
        "/admin/org/businesscalendar/",
        "/admin/org/absence/",
        "/admin/core/apitoken/",
        "/admin/core/auditentry/",
        "/admin/core/event/",
        "/admin/core/eventdelivery/",
    ):
        assert client.get(path).status_code == 200, path


def test_audit_entries_cannot_be_changed_in_the_admin(people: Any, client_as: Any) -> None:
    client = client_as("admin")
    entry = AuditEntry.objects.first()
    assert entry is not None
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert client.get(f"/admin/core/auditentry/{entry.pk}/delete/").status_code == 403
    page = client.get(f"/admin/core/auditentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"object_repr": "forged"})
    entry.refresh_from_db()
    assert entry.object_repr != "forged"


def test_tokens_in_the_admin_are_listed_and_revoked_never_added(
    people: Any, client_as: Any
) -> None:
    token, _raw = token_create(user=people.member, name="script")
    client = client_as("admin")
    assert client.get("/admin/core/apitoken/add/").status_code == 403
    assert (
        token.digest not in client.get(f"/admin/core/apitoken/{token.pk}/change/").content.decode()
    )
    response = client.post(
        "/admin/core/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_failed_deliveries_can_be_retried_from_the_admin(people: Any, client_as: Any) -> None:
    event = Event.objects.create(
        type="test.happened",
        subject_type="org.team",
        subject_id=1,
        source="system",
        occurred_at=timezone.now(),
    )
    delivery = EventDelivery.objects.create(
        event=event, subscriber="tests.broken", status=EventDelivery.Status.FAILED, attempts=8
    )
    response = client_as("admin").post(
        "/admin/core/eventdelivery/", {"action": "retry_failed", "_selected_action": [delivery.pk]}
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == EventDelivery.Status.PENDING
    assert delivery.attempts == 0


def test_admin_retry_resets_only_the_selected_failed_deliveries(
    people: Any, client_as: Any
) -> None:
    failed = EventDelivery.Status.FAILED

    def delivery(subscriber: str, status: str = failed) -> EventDelivery:
        event = Event.objects.create(
            type="test.happened",
            subject_type="org.team",
            subject_id=1,
            source="system",
            occurred_at=timezone.now(),
        )
        return EventDelivery.objects.create(
            event=event, subscriber=subscriber, status=status, attempts=8
        )

    chosen = delivery("tests.broken")
    same_subscriber = delivery("tests.broken")  # failed too, but not selected
    other = delivery("tests.other")
    done = delivery("tests.done", EventDelivery.Status.DONE)  # selected, but did not fail
    response = client_as("admin").post(
        "/admin/core/eventdelivery/",
        {"action": "retry_failed", "_selected_action": [chosen.pk, done.pk]},
    )
    assert response.status_code == 302
    states = {
        d.pk: (d.status, d.attempts)
        for d in EventDelivery.objects.filter(
            pk__in=[chosen.pk, same_subscriber.pk, other.pk, done.pk]
        )
    }
    assert states == {
        chosen.pk: (EventDelivery.Status.PENDING, 0),
        same_subscriber.pk: (failed, 8),
        other.pk: (failed, 8),
        done.pk: (EventDelivery.Status.DONE, 8),
    }


def test_deleting_a_team_in_the_admin_moves_it_to_the_trash(people: Any, client_as: Any) -> None:
    response = client_as("admin").post(
        f"/admin/org/team/{people.marketing.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert Team.all_objects.get(pk=people.marketing.pk).deleted_at is not None


def test_admin_creates_a_user_with_role(people: Any, client_as: Any) -> None:
    from interlock.org.models import User

    response = client_as("admin").post(
        "/admin/org/user/add/",
        {
            "username": "newbie",
            "usable_password": "true",
            "password1": "Quite-long-pass-42",
            "password2": "Quite-long-pass-42",
            "first_name": "New",
            "last_name": "Bie",
            "email": "newbie@example.com",
            "language": "de",
            "role": "admin",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newbie")
    assert user.role == "admin" and user.is_staff and user.language == "de"
    assert user.check_password("Quite-long-pass-42")

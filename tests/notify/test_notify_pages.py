"""The inbox, reading one notification, the e-mail setting, the bell and the API."""

from __future__ import annotations

from typing import Any

import pytest

from interlock.notify import services
from interlock.notify.models import Notification, Preference

pytestmark = pytest.mark.django_db


def test_inbox_bell_and_read(people: Any, client_as: Any) -> None:
    services.notify(recipients=[people.lead], topic="t", title="Breached: MQL", url="/leads/")
    services.notify(recipients=[people.lead], topic="t", title="Please sign")
    client = client_as("lead")
    page = client.get("/notifications/")
    body = page.content.decode()
    assert "Breached: MQL" in body and "Please sign" in body
    assert 'aria-label="Notifications (2 unread)"' in body
    first = Notification.objects.get(title="Breached: MQL")
    answer = client.post(f"/notifications/{first.pk}/read/")
    assert answer.status_code == 302 and answer["Location"] == "/leads/"
    assert "Notifications (1 unread)" in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_someone_elses_is_refused(people: Any, client_as: Any) -> None:
    services.notify(recipients=[people.lead], topic="t", title="x")
    pk = Notification.objects.get().pk
    assert client_as("member").post(f"/notifications/{pk}/read/").status_code == 403
    assert Notification.objects.get().read_at is None


def test_settings_saved_and_bad_hour(people: Any, client_as: Any) -> None:
    client = client_as("member")
    assert client.get("/notifications/settings/").status_code == 200
    bad = client.post("/notifications/settings/", {"email": "digest", "digest_hour": "25"})
    assert bad.status_code == 422
    client.post("/notifications/settings/", {"email": "digest", "digest_hour": "9"})
    pref = Preference.objects.get(user=people.member)
    assert (pref.email, pref.digest_hour) == ("digest", 9)


def test_api_own_only_and_unread_filter(people: Any, api_as: Any) -> None:
    services.notify(recipients=[people.lead, people.member], topic="t", title="x")
    services.notify(recipients=[people.lead], topic="t", title="y")
    api = api_as("lead")
    items = api.get("/api/v1/notifications").json()["items"]
    assert [i["title"] for i in items] == ["y", "x"] or len(items) == 2
    pk = items[0]["id"]
    assert api.post(f"/api/v1/notifications/{pk}/read").json()["read_at"]
    unread = api.get("/api/v1/notifications?unread=true").json()["items"]
    assert len(unread) == 1
    assert api.post("/api/v1/notifications/read-all").json() == {"marked": 1}
    assert len(api_as("member").get("/api/v1/notifications").json()["items"]) == 1

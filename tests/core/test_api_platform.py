"""The API base: authentication, scopes, limits, problem documents, tokens, docs."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from interlock.core.models import ApiToken, AuditEntry, Event
from interlock.core.tokens import _digest, token_create, token_revoke
from interlock.org import services
from interlock.org.models import Team

API = "/api/v1"
PROBLEM = "application/problem+json"


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"{API}{path}", data=json.dumps(body), content_type="application/json")


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


# --- authentication -------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer garbage",
        "Bearer il_0000_nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer " + "x" * 5000,
    ],
)
def test_401_without_a_valid_token(people: Any, header: str | None) -> None:
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get(f"{API}/me")
    body = assert_problem(response, 401)
    assert "Bearer" in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_401_with_a_revoked_token(people: Any) -> None:
    token, raw = token_create(user=people.member, name="t", scope="read")
    assert bearer(raw).get(f"{API}/me").status_code == 200
    token_revoke(token=token, actor=people.member)
    assert_problem(bearer(raw).get(f"{API}/me"), 401)


def test_401_with_an_expired_token(people: Any) -> None:
    token, raw = token_create(user=people.member, name="t", scope="read")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(bearer(raw).get(f"{API}/me"), 401)


def test_401_for_a_deactivated_user(people: Any) -> None:
    _token, raw = token_create(user=people.member, name="t", scope="read")
    people.member.is_active = False
    people.member.save()
    assert_problem(bearer(raw).get(f"{API}/me"), 401)


def test_403_when_a_read_token_writes(people: Any, api_as: Any) -> None:
    body = assert_problem(post(api_as("admin", "read"), "/teams", {"name": "X"}), 403)
    assert "read" in body["detail"]
    assert not Team.objects.filter(name="X").exists()


def test_403_when_a_read_only_user_writes_with_a_session(people: Any, client_as: Any) -> None:
    client = client_as("readonly")
    assert client.get(f"{API}/me").status_code == 200
    assert_problem(post(client, "/tokens", {"name": "mine"}), 403)


def test_session_auth_needs_csrf_for_writes(people: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.admin)
    assert client.get(f"{API}/me").json()["auth"] == "session"
    assert_problem(post(client, "/teams", {"name": "Ops"}), 403)
    client.get("/api/v1/docs")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"{API}/teams",
        data=json.dumps({"name": "Ops"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201, response.content


def test_me_reports_role_teams_and_scope(people: Any, api_as: Any) -> None:
    body = api_as("lead", "read").get(f"{API}/me").json()
    assert body["username"] == "lead"
    assert body["role"] == "member"
    assert body["auth"] == "token"
    assert body["scope"] == "read"
    assert body["may_write"] is False
    assert body["teams"] == [
        {"team": {"id": people.sales.pk, "name": "Sales", "slug": "sales"}, "role": "lead"}
    ]
    assert api_as("admin").get(f"{API}/me").json()["role"] == "admin"


# --- limits and malformed requests ------------------------------------------------


@override_settings(API_RATE_LIMIT=3)
def test_429_past_the_rate_limit(people: Any, api_as: Any, monkeypatch: Any) -> None:
    import types

    from interlock.core import api as core_api

    # Fixed windows: keep the clock inside one window (a real minute could turn mid-test).
    monkeypatch.setattr(core_api, "time", types.SimpleNamespace(time=lambda: 1_800_000_010.0))
    client = api_as("member", "read")
    for _ in range(3):
        assert client.get(f"{API}/me").status_code == 200
    response = client.get(f"{API}/me")
    assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    # The limit is per token: another person is not affected.
    assert api_as("lead", "read").get(f"{API}/me").status_code == 200


def test_400_on_malformed_json(people: Any, api_as: Any) -> None:
    client = api_as("admin")
    for raw in ('{"name": ', "not json", b"\xff\xfe"):
        response = client.post(f"{API}/teams", data=raw, content_type="application/json")
        body = assert_problem(response, 400)
        assert "JSON" in body["detail"]


def test_413_for_a_big_body(people: Any, api_as: Any, settings: Any) -> None:
    big = json.dumps({"name": "x", "description": "y" * (settings.API_MAX_BODY_BYTES + 1)})
    response = api_as("admin").post(f"{API}/teams", data=big, content_type="application/json")
    body = assert_problem(response, 413)
    assert str(settings.API_MAX_BODY_BYTES) in body["detail"]


def test_422_with_field_errors(people: Any, api_as: Any) -> None:
    response = post(api_as("admin"), "/tokens", {"name": "", "scope": "everything"})
    body = assert_problem(response, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"name", "scope"} <= fields


def test_422_from_a_service_names_the_field(people: Any, api_as: Any) -> None:
    past = (timezone.now() - timedelta(days=1)).isoformat()
    body = assert_problem(post(api_as("member"), "/tokens", {"name": "t", "expires_at": past}), 422)
    assert body["errors"][0]["field"] == "expires_at"


def test_422_for_bad_query_parameters(people: Any, api_as: Any) -> None:
    body = assert_problem(api_as("admin").get(f"{API}/users?limit=0"), 422)
    assert body["errors"][0]["field"] == "limit"
    assert_problem(api_as("admin").get(f"{API}/users?limit=201"), 422)
    assert_problem(api_as("admin").get(f"{API}/events?since=yesterday"), 422)


def test_404_for_unknown_ids_and_paths(people: Any, api_as: Any) -> None:
    client = api_as("admin")
    assert_problem(client.get(f"{API}/teams/999999"), 404)
    assert_problem(client.get(f"{API}/users/999999"), 404)
    assert_problem(client.delete(f"{API}/tokens/999999"), 404)
    assert_problem(client.get(f"{API}/no-such-thing"), 404)
    assert_problem(
        client.post(f"{API}/no/such/thing", data="{}", content_type="application/json"), 404
    )
    # An id beyond 64 bits is refused before it reaches the database.
    assert_problem(client.get(f"{API}/teams/99999999999999999999999"), 422)


def test_405_for_an_unsupported_method(people: Any, api_as: Any) -> None:
    response = api_as("admin").put(f"{API}/me", data="{}", content_type="application/json")
    assert_problem(response, 405)
    assert "GET" in response["Allow"]


# --- tokens -------------------------------------------------------------------------


def test_token_lifecycle(people: Any, api_as: Any) -> None:
    client = api_as("member")
    response = post(client, "/tokens", {"name": "laptop", "scope": "write"})
    assert response.status_code == 201
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("il_")
    # Only a digest is stored; the secret appears nowhere in the database.
    token = ApiToken.objects.get(pk=created["id"])
    assert token.digest == _digest(secret)
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    # It works, and the listing never shows the secret again.
    new = bearer(secret)
    assert new.get(f"{API}/me").json()["scope"] == "write"
    listed = new.get(f"{API}/tokens").json()["items"]
    assert created["id"] in {t["id"] for t in listed}
    assert all("secret" not in t for t in listed)
    # Revoked, it stops working at once.
    assert client.delete(f"{API}/tokens/{created['id']}").status_code == 204
    assert_problem(new.get(f"{API}/me"), 401)
    assert ApiToken.objects.get(pk=created["id"]).revoked_at is not None


def test_read_token_cannot_write_or_mint_a_write_token(people: Any) -> None:
    _token, raw = token_create(user=people.member, name="r", scope="read")
    assert_problem(post(bearer(raw), "/tokens", {"name": "w", "scope": "write"}), 403)
    assert_problem(post(bearer(raw), "/absences", {}), 403)


def test_read_only_user_gets_no_write_token(people: Any, client_as: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        token_create(user=people.readonly, name="w", scope="write")
    assert_problem(post(client_as("readonly"), "/tokens", {"name": "w", "scope": "write"}), 403)


def test_only_admins_list_other_peoples_tokens(people: Any, api_as: Any) -> None:
    token_create(user=people.member, name="member's", scope="read")
    assert_problem(api_as("lead").get(f"{API}/tokens?user={people.member.pk}"), 403)
    names = [
        t["name"]
        for t in api_as("admin").get(f"{API}/tokens?user={people.member.pk}").json()["items"]
    ]
    assert "member's" in names


def test_nobody_revokes_someone_elses_token_but_an_admin(people: Any, api_as: Any) -> None:
    token, _raw = token_create(user=people.member, name="m", scope="read")
    assert_problem(api_as("lead").delete(f"{API}/tokens/{token.pk}"), 403)
    assert api_as("admin").delete(f"{API}/tokens/{token.pk}").status_code == 204


# --- events, audit, trash --------------------------------------------------------------


def test_events_filter_by_type_and_subject(people: Any, api_as: Any) -> None:
    team = services.team_create(actor=people.admin, name="Support")
    services.team_update(actor=people.admin, team=team, description="Helps.")
    client = api_as("manager", "read")
    items = client.get(f"{API}/events?subject_type=org.team&subject_id={team.pk}").json()["items"]
    assert [e["type"] for e in items] == ["team.updated", "team.created"]
    assert items[0]["actor_id"] == people.admin.pk
    only = client.get(f"{API}/events?type=team.created&order=asc").json()["items"]
    assert {e["type"] for e in only} == {"team.created"}
    future = (timezone.now() + timedelta(hours=1)).isoformat().replace("+", "%2B")
    assert client.get(f"{API}/events?since={future}").json()["items"] == []
    assert Event.objects.count() >= 2


def test_audit_shows_field_changes_and_source(people: Any, api_as: Any) -> None:
    client = api_as("admin")
    team_id = post(client, "/teams", {"name": "Support"}).json()["id"]
    patched = client.patch(
        f"{API}/teams/{team_id}",
        data=json.dumps({"description": "Helps."}),
        content_type="application/json",
    )
    assert patched.status_code == 200
    response = api_as("manager", "read").get(
        f"{API}/audit?model=org.team&object_id={team_id}&action=update"
    )
    entry = response.json()["items"][0]
    assert entry["model"] == "org.team"
    assert entry["source"] == "api"
    assert entry["actor_id"] == people.admin.pk
    assert {"field": "description", "old": "", "new": "Helps."} in entry["changes"]
    assert AuditEntry.objects.filter(object_pk=str(team_id)).count() >= 2


def test_trash_lists_and_restores(people: Any, api_as: Any) -> None:
    client = api_as("admin")
    assert client.delete(f"{API}/teams/{people.marketing.pk}").status_code == 204
    assert_problem(client.get(f"{API}/teams/{people.marketing.pk}"), 404)
    items = client.get(f"{API}/trash").json()["items"]
    assert items[0]["model"] == "org.team"
    assert items[0]["id"] == people.marketing.pk
    assert items[0]["deleted_by_id"] == people.admin.pk
    restored = client.post(f"{API}/trash/org.team/{people.marketing.pk}/restore")
    assert restored.status_code == 200
    assert client.get(f"{API}/teams/{people.marketing.pk}").status_code == 200
    # Not (or no longer) in the trash, or not a model with a trash: 404.
    assert_problem(client.post(f"{API}/trash/org.team/{people.marketing.pk}/restore"), 404)
    assert_problem(client.post(f"{API}/trash/org.user/{people.member.pk}/restore"), 404)
    assert_problem(client.post(f"{API}/trash/nonsense/1/restore"), 404)


def test_restoring_into_a_taken_short_name_is_a_conflict(people: Any, api_as: Any) -> None:
    client = api_as("admin")
    client.delete(f"{API}/teams/{people.marketing.pk}")
    assert post(client, "/teams", {"name": "Marketing"}).status_code == 201
    assert_problem(client.post(f"{API}/trash/org.team/{people.marketing.pk}/restore"), 409)


# --- the documents ----------------------------------------------------------------------


def test_openapi_document(people: Any) -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Interlock API"
    assert "/api/v1/teams/{team_id}/calendar/due" in schema["paths"]


def test_docs_page_is_served_locally_and_fits_the_csp(people: Any) -> None:
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attrs, body in scripts:
        if "src=" in attrs:
            src = re.search(r'src="([^"]+)"', attrs)
            assert src and src.group(1).startswith("/static/ninja/"), attrs
            assert Client().get(src.group(1)).status_code == 200
            assert not body.strip()
        else:
            # Inline blocks may only carry data, which CSP does not execute.
            assert 'type="application/json"' in attrs, attrs
    assert "cdn" not in html.lower()
    for href in re.findall(r'href="([^"]+)"', html):
        assert href.startswith("/static/"), href

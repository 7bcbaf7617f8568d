"""The per-process token cache: one lookup per token every few seconds, revocation honoured."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interlock.core import tokens
from interlock.core.models import ApiToken
from interlock.core.tokens import token_authenticate, token_create, token_revoke

pytestmark = pytest.mark.django_db
API = "/api/v1"


class Clock:
    """Stands in for the ``time`` module inside core.tokens."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Clock:
    settings.API_TOKEN_CACHE_SECONDS = 5
    fake = Clock()
    monkeypatch.setattr(tokens, "time", fake)
    tokens.token_cache_clear()
    return fake


def _bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_cached_token_costs_no_query(people: Any, clock: Clock) -> None:
    _token, raw = token_create(user=people.member, name="t")
    first = token_authenticate(raw=raw)
    with CaptureQueriesContext(connection) as queries:
        again = token_authenticate(raw=raw)
    assert len(queries) == 0
    assert first is not None and again is not None
    assert again.pk == first.pk and again.user.pk == people.member.pk
    # fresh objects every time: no request shares (and mutates) another's user
    assert again is not first and again.user is not first.user
    assert again.user.role == people.member.role and not again._state.adding


def test_a_revocation_elsewhere_takes_effect_within_the_ttl(people: Any, clock: Clock) -> None:
    _token, raw = token_create(user=people.member, name="t")
    client = _bearer(raw)
    assert client.get(f"{API}/me").status_code == 200
    # another process revokes it: no signal reaches this one
    ApiToken.objects.filter(digest=tokens._digest(raw)).update(revoked_at=timezone.now())
    clock.now += 4
    assert client.get(f"{API}/me").status_code == 200  # still within the TTL
    clock.now += 2
    response = client.get(f"{API}/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    clock.now += 10
    assert client.get(f"{API}/me").status_code == 401  # a failure is never cached as success


def test_revoking_or_deactivating_here_works_at_once(people: Any, clock: Clock) -> None:
    token, raw = token_create(user=people.member, name="t")
    _other, other_raw = token_create(user=people.lead, name="t")
    assert _bearer(raw).get(f"{API}/me").status_code == 200
    assert _bearer(other_raw).get(f"{API}/me").status_code == 200
    token_revoke(token=token, actor=people.member)
    assert _bearer(raw).get(f"{API}/me").status_code == 401
    people.lead.is_active = False
    people.lead.save()
    assert _bearer(other_raw).get(f"{API}/me").status_code == 401


def test_expiry_is_checked_on_every_hit(people: Any, clock: Clock) -> None:
    _token, raw = token_create(
        user=people.member, name="t", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert token_authenticate(raw=raw) is not None
    cached = tokens._cache[tokens._digest(raw)]
    values = list(cached[1][0])
    expires = [f.attname for f in ApiToken._meta.concrete_fields].index("expires_at")
    values[expires] = timezone.now() - timedelta(seconds=1)
    tokens._cache[tokens._digest(raw)] = (cached[0], (tuple(values), cached[1][1]))
    assert token_authenticate(raw=raw) is None


def test_wrong_tokens_are_not_cached(people: Any, clock: Clock) -> None:
    for n in range(20):
        assert token_authenticate(raw=f"il_deadbeef_{n}") is None
    assert tokens._cache == {}


def test_no_cache_when_the_ttl_is_zero(people: Any, clock: Clock, settings: Any) -> None:
    settings.API_TOKEN_CACHE_SECONDS = 0
    _token, raw = token_create(user=people.member, name="t")
    assert token_authenticate(raw=raw) is not None
    with CaptureQueriesContext(connection) as queries:
        assert token_authenticate(raw=raw) is not None
    assert len(queries) == 1

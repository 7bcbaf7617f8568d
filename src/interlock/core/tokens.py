"""Personal API tokens: create (shown once), authenticate, revoke.

Reads for pages and the API (e.g. ``tokens_of``) are in ``core.selectors``.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.core.models import ApiToken

TOKEN_PREFIX = "il_"  # noqa: S105  (a prefix, not a secret)


def _digest(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain SHA-256 is enough;
    # a slow hash would only slow every API request.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def token_create(
    *, user: Any, name: str, scope: str = ApiToken.Scope.READ, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; returns it and the secret, which is never shown again."""
    if scope not in ApiToken.Scope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if scope == ApiToken.Scope.WRITE:
        policy.require(user, "token.write_scope")
    policy.require(user, "token.manage")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must lie in the future.")})
    public = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{public}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100] or "API",
            prefix=public,
            digest=_digest(raw),
            scope=scope,
            expires_at=expires_at,
        )
        events.record("token.created", subject=token, actor=user, payload={"scope": scope})
    return token, raw


# --- the per-process cache of authenticated tokens ------------------------------------
#
# Every API request authenticates; the token and its user are kept per process
# for ``API_TOKEN_CACHE_SECONDS`` (default 5) after a database lookup, keyed by
# the token's digest, so a busy client costs one query per token every few
# seconds instead of one per request. Only successful lookups are kept (a
# wrong token is looked up every time, so guesses cannot fill the memory).
# Saving or deleting any token or user in this process empties the cache at
# once; a change made by another process (revocation, deactivation, expiry,
# a new role) takes effect there within the TTL. Expiry is checked on every hit.

_Snapshot = tuple[tuple[Any, ...], tuple[Any, ...]]
_cache: dict[str, tuple[float, _Snapshot]] = {}
_CACHE_MAX = 10_000


def _cache_seconds() -> float:
    return float(getattr(settings, "API_TOKEN_CACHE_SECONDS", 5))


def token_cache_clear(**_kwargs: Any) -> None:
    """Forget every cached token (connected to token and user saves and deletes)."""
    _cache.clear()


def _snapshot(token: ApiToken) -> _Snapshot:
    user = token.user
    return (
        tuple(getattr(token, f.attname) for f in ApiToken._meta.concrete_fields),
        tuple(getattr(user, f.attname) for f in type(user)._meta.concrete_fields),
    )


def _rebuild(snapshot: _Snapshot) -> ApiToken:
    """Fresh instances from cached values: no request shares an object with another."""
    token_values, user_values = snapshot
    user_model = get_user_model()
    user = user_model.from_db(
        "default", [f.attname for f in user_model._meta.concrete_fields], user_values
    )
    token = ApiToken.from_db(
        "default", [f.attname for f in ApiToken._meta.concrete_fields], token_values
    )
    token.user = user
    return token


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token for ``raw`` (its ``user`` loaded), or None.

    Notes when the token was last used (at most once a minute). Served from
    the per-process cache when the token was looked up in the last few seconds.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = _digest(raw)
    ttl = _cache_seconds()
    hit = _cache.get(digest) if ttl > 0 else None
    if hit is not None and hit[0] > time.monotonic():
        cached = _rebuild(hit[1])
        return cached if cached.is_active else None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not token.is_active:
        _cache.pop(digest, None)
        return None
    now = timezone.now()
    # Write at most once a minute per token: a busy client must not make every
    # GET a write on the database.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    if ttl > 0:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[digest] = (time.monotonic() + ttl, _snapshot(token))
    return token


def token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    policy.require(actor, "token.manage", token)
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            events.record("token.revoked", subject=token, actor=actor)
    token_cache_clear()
    return token


for _signal in (post_save, post_delete):
    _signal.connect(token_cache_clear, sender=ApiToken, dispatch_uid=f"token-cache-{_signal}")
    _signal.connect(
        token_cache_clear,
        sender=settings.AUTH_USER_MODEL,
        dispatch_uid=f"token-cache-user-{_signal}",
    )

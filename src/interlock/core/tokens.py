"""Personal API tokens: create (shown once), authenticate, revoke.

Reads for pages and the API (e.g. ``tokens_of``) are in ``core.selectors``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
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


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token for ``raw``, or None; notes when it was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not token.is_active:
        return None
    now = timezone.now()
    # Write at most once a minute per token: a busy client must not make every
    # GET a write on the database.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    policy.require(actor, "token.manage", token)
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            events.record("token.revoked", subject=token, actor=actor)
    return token

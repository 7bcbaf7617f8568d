"""The API base: authentication, scopes, rate limit, problem+json errors.

Every router is mounted on the one NinjaAPI built here (see interlock/api.py).
Authentication is a personal token (``Authorization: Bearer …``) or the
browser session (with CSRF). A read-scope token or a read-only user may only
read; every principal has a rate limit answered with 429 and Retry-After.
Errors are RFC 9457 problem documents.
"""

from __future__ import annotations

import functools
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from interlock.core import policy
from interlock.core.context import Acting, Source, _current
from interlock.core.middleware import client_addr, problem_response
from interlock.core.models import ApiToken
from interlock.core.pagination import InvalidCursor
from interlock.core.tokens import token_authenticate

log = logging.getLogger(__name__)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ApiRequest(HttpRequest):
    """What endpoints receive: ``auth`` is the acting user (also ``user``)."""

    auth: Any
    api_token: ApiToken | None


class WriteDenied(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _admit(request: HttpRequest, user: Any, principal: str, *, read_only_scope: bool) -> Any:
    """Checks every authenticated request passes: rate, then write rights."""
    _rate_limit(principal)
    if request.method not in SAFE_METHODS:
        if read_only_scope:
            raise WriteDenied(
                _("This token may only read. Create a read-and-write token to change data.")
            )
        if not policy.may_write(user):
            raise WriteDenied(_("Your account may only read."))
    request.user = user
    _current.set(Acting(actor=user, source=Source.API, remote_addr=client_addr(request)))
    return user


def _rate_limit(principal: str) -> None:
    """Fixed window per principal, shared by all web processes through the cache."""
    window = settings.API_RATE_WINDOW_SECONDS
    now = time.time()
    window_start = int(now // window) * window
    key = f"api-rate:{principal}:{window_start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > settings.API_RATE_LIMIT:
        raise RateLimited(max(1, math.ceil(window_start + window - now)))


class TokenAuth(HttpBearer):
    """Personal API token: ``Authorization: Bearer il_…``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(raw=token)
        if found is None:
            return None
        request.api_token = found  # type: ignore[attr-defined]
        return _admit(
            request, found.user, f"token:{found.pk}", read_only_scope=found.scope == "read"
        )


class SessionAuth(APIKeyCookie):
    """The browser's session; unsafe methods need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return _admit(request, user, f"user:{user.pk}", read_only_scope=False)


def _problem(status: int, title: str, detail: str, **kw: Any) -> HttpResponse:
    return problem_response(status, title, detail, **kw)


_LOCATIONS = {"body", "payload", "query", "path", "header", "cookie", "form"}


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, object]]:
    result: list[dict[str, object]] = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in _LOCATIONS]
        result.append({"field": ".".join(loc) or None, "message": str(error.get("msg", ""))})
    return result


class InterlockAPI(NinjaAPI):
    """NinjaAPI whose every answer under /api/v1/ is JSON, wrong paths included.

    Ninja answers an unknown method with a plain-text 405 and Django an
    unknown path with an HTML 404; here both are problem documents.
    """

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_on_405(pattern.callback)
        from interlock.core.api_urls import grouped

        urls = grouped(urls)
        urls.append(re_path(r"^.*$", _unknown_path, name="unknown-path"))
        return urls


def _problem_on_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        # A JSON document is never rendered by a browser, so a Content-Security-
        # Policy header on it protects nothing; building one cost ~0.3 ms per call.
        if response.get("Content-Type", "").startswith(("application/json", "application/problem")):
            response._csp_exempt = True  # type: ignore[attr-defined]
        if isinstance(response, HttpResponseNotAllowed):
            return _problem(
                405,
                _("Method not allowed"),
                _("This path does not support %(method)s; it supports %(allowed)s.")
                % {"method": request.method, "allowed": response["Allow"]},
                headers={"Allow": response["Allow"]},
            )
        return response

    return wrapped


@csrf_exempt
def _unknown_path(request: HttpRequest) -> HttpResponse:
    return _problem(
        404,
        _("Not found"),
        _("There is no API endpoint at %(path)s; see /api/v1/docs.") % {"path": request.path},
    )


def build_api() -> NinjaAPI:
    api = InterlockAPI(
        title="Interlock API",
        version="1",
        description=(
            "REST API of Interlock. Authenticate with a personal token "
            "(`Authorization: Bearer …`) or the browser session. Lists use cursor "
            "pagination; errors are `application/problem+json`."
        ),
        auth=[TokenAuth(), SessionAuth()],
        urls_namespace="api",
    )

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _problem(
            422,
            _("Invalid input"),
            _("Some fields are not valid; see errors."),
            errors=_field_errors(list(exc.errors)),
        )

    @api.exception_handler(DjangoValidationError)
    def invalid_model(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors: list[dict[str, object]]
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": None if field == NON_FIELD_ERRORS else field, "message": str(msg)}
                for field, msgs in exc.message_dict.items()
                for msg in msgs
            ]
        else:
            errors = [{"field": None, "message": str(msg)} for msg in exc.messages]
        return _problem(
            422, _("Invalid input"), "; ".join(str(e["message"]) for e in errors), errors=errors
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return _problem(
            401,
            _("Not signed in"),
            _("Send a personal API token as 'Authorization: Bearer <token>' or sign in."),
            headers={"WWW-Authenticate": 'Bearer realm="interlock"'},
        )

    @api.exception_handler(WriteDenied)
    def write_denied(request: HttpRequest, exc: WriteDenied) -> HttpResponse:
        return _problem(403, _("Not allowed"), exc.detail)

    @api.exception_handler(PermissionDenied)
    def denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _problem(403, _("Not allowed"), _("You may not do this."))

    @api.exception_handler(RateLimited)
    def limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        return _problem(
            429,
            _("Too many requests"),
            _("Wait %(seconds)d seconds, then try again.") % {"seconds": exc.retry_after},
            headers={"Retry-After": str(exc.retry_after)},
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _problem(404, _("Not found"), _("No such record, or it is in the trash."))

    @api.exception_handler(InvalidCursor)
    def bad_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
        return _problem(
            400,
            _("Malformed request"),
            str(exc),
            errors=[
                {"field": "cursor", "message": str(exc)},
            ],
        )

    @api.exception_handler(IntegrityError)
    def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
        log.info("API conflict on %s %s: %s", request.method, request.path, exc)
        return _problem(
            409,
            _("Conflict"),
            _("This would clash with an existing record (e.g. the same name or short name)."),
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
            detail = _("The request body is not valid JSON.")
            return _problem(400, _("Malformed request"), detail)
        if exc.status_code == 403:
            return _problem(403, _("Not allowed"), str(exc.message))
        return _problem(exc.status_code, str(exc.message), str(exc.message))

    @api.exception_handler(Exception)
    def crashed(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return _problem(
            500,
            _("Internal error"),
            _("Something went wrong on our side; nothing was changed. Please try again."),
        )

    return api

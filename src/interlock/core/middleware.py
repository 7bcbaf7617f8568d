"""Request-level plumbing: who acts, which language, how big an API body may be."""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib.messages.middleware import MessageMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from interlock.core.context import Source, acting

Next = Callable[[HttpRequest], HttpResponse]


def client_addr(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Stamp everything a web request changes with its user and source."""

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        source = Source.API if request.path.startswith("/api/") else Source.WEB
        with acting(user, source, client_addr(request)):
            return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the browser's.

    Runs after authentication; an explicit choice in the language cookie
    (the language switch) still wins over both.
    """

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = (
            getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        )
        if language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class ApiBodyLimitMiddleware:
    """Answer 413 before reading an oversized API body."""

    def __init__(self, get_response: Next) -> None:
        self.get_response = get_response

    # Uploads of files to import may be as large as an import may be.
    UPLOAD_PATHS = frozenset({"/api/v1/imports"})

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.API_MAX_BODY_BYTES
            if request.method == "POST" and request.path in self.UPLOAD_PATHS:
                limit = max(limit, settings.IMPORT_MAX_BYTES)
            if length > limit:
                return problem_response(
                    413,
                    _("Request body too large"),
                    _("The body has %(size)d bytes; the limit is %(limit)d bytes.")
                    % {"size": length, "limit": limit},
                )
        return self.get_response(request)


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    errors: list[dict[str, object]] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """An RFC 9457 problem document."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class PageMessageMiddleware(MessageMiddleware):
    """Django's flash messages, for pages only.

    No API call shows or keeps a message, so an API request gets no message
    store: Django would build one (a cookie and a session store) for every
    request and check it on the way out, only to find nothing to save.
    """

    def process_request(self, request: HttpRequest) -> None:
        if not request.path.startswith("/api/"):
            super().process_request(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, minus its work on responses marked exempt.

    django-csp builds both policies before it looks at the exemption; API
    JSON responses (exempt: a browser never renders them) skip that here.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if getattr(response, "_csp_exempt", False):
            return response
        return super().process_response(request, response)

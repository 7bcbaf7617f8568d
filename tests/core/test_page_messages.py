"""Flash messages belong to pages: API requests get no message store."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from interlock.core.middleware import PageMessageMiddleware


def _through(path: str) -> HttpRequest:
    request = RequestFactory().get(path)
    request.session = {}  # type: ignore[assignment]
    seen: list[HttpRequest] = []

    def view(req: HttpRequest) -> HttpResponse:
        seen.append(req)
        return HttpResponse("ok")

    response = PageMessageMiddleware(view)(request)
    assert response.status_code == 200
    return seen[0]


def test_pages_keep_their_message_store() -> None:
    request = _through("/customers/")
    assert hasattr(request, "_messages")


def test_api_requests_have_none() -> None:
    request = _through("/api/v1/contacts")
    assert not hasattr(request, "_messages")
    assert list(get_messages(request)) == []

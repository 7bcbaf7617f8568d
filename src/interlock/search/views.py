"""Pages of the search app: the results page and the type-ahead suggestions."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from interlock.search import selectors
from interlock.search.highlight import highlight

PAGE_SIZE = 20
SUGGESTIONS = 8

KIND_LABELS = {
    "account": _("Accounts"),
    "contact": _("Contacts"),
    "deal": _("Deals"),
    "complaint": _("Complaints"),
    "idea": _("Ideas"),
}
KIND_LABEL_ONE = {
    "account": _("Account"),
    "contact": _("Contact"),
    "deal": _("Deal"),
    "complaint": _("Complaint"),
    "idea": _("Idea"),
}


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").replace("\x00", "")[: selectors.MAX_QUERY_CHARS].strip()


def _page(request: HttpRequest) -> int:
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return min(max(page, 1), selectors.MAX_OFFSET // PAGE_SIZE + 1)


def _url(query: str, kind: str = "", page: int = 1) -> str:
    params = {"q": query}
    if kind:
        params["kind"] = kind
    if page > 1:
        params["page"] = str(page)
    return "?" + urlencode(params)


def _rows(hits: list[selectors.Hit], words: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "hit": hit,
            "title": highlight(hit.title, words),
            "subtitle": highlight(hit.subtitle, words),
            "label": KIND_LABEL_ONE[hit.kind],
        }
        for hit in hits
    ]


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    words = selectors.terms(query)
    allowed = selectors.allowed_kinds(request.user)
    kind = request.GET.get("kind", "")
    kind = kind if kind in allowed else ""
    page = _page(request)
    hits: list[selectors.Hit] = []
    counts: dict[str, int] = {}
    if words:
        hits = selectors.search(
            request.user,
            query,
            kinds=[kind] if kind else None,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        counts = selectors.counts(request.user, query)
    tabs = [
        {"kind": k, "label": KIND_LABELS[k], "count": counts.get(k, 0), "url": _url(query, k)}
        for k in allowed
    ]
    total = sum(counts.values())
    context = {
        "query": query,
        "kind": kind,
        "tabs": tabs,
        "total": total,
        "cap": selectors.COUNT_CAP,
        "rows": _rows(hits[:PAGE_SIZE], words),
        "page": page,
        "first_number": (page - 1) * PAGE_SIZE + 1,
        "all_url": _url(query),
        "prev_url": _url(query, kind, page - 1),
        "next_url": _url(query, kind, page + 1),
        "has_next": len(hits) > PAGE_SIZE,
        "searched": bool(query),
        "too_vague": bool(query) and not words,
    }
    return render(request, "search/results.html", context)


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The type-ahead listbox under the navigation's search box (an htmx fragment)."""
    query = _query(request)
    words = selectors.terms(query) if len(query) >= 2 else []
    hits = selectors.search(request.user, query, limit=SUGGESTIONS) if words else []
    return render(
        request,
        "search/partials/suggestions.html",
        {"query": query, "rows": _rows(hits, words)},
    )

"""The API's URL patterns grouped by their first path segment.

Django tries URL patterns one after another; the API has a few hundred, so
a request for ``/api/v1/leads`` used to run past every pattern registered
before it. Grouping the patterns under one resolver per first segment
(``accounts``, ``leads``, ...) leaves a few dozen tries per request. The
matching is the same: each group keeps its patterns in their order, and the
patterns are only grouped when every one starts with a plain segment (no
converter that could match another group's paths).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RoutePattern


class _Tail(RoutePattern):
    """A route's rest after its group's first segment: it begins with "/" on purpose."""

    def _check_pattern_startswith_slash(self) -> list[Any]:
        return []


def _head(pattern: URLPattern | URLResolver) -> str | None:
    if not isinstance(pattern, URLPattern) or not isinstance(pattern.pattern, RoutePattern):
        return None
    route = str(pattern.pattern._route)  # type: ignore[attr-defined]
    if route == "":
        return ""  # the API's root: matches only the empty path, kept on its own
    head = route.split("/", 1)[0]
    return head if head and "<" not in head else None


def grouped(urls: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """``urls`` with the patterns of each first segment under one resolver."""
    heads = [_head(p) for p in urls]
    if any(head is None for head in heads):
        return urls
    groups: dict[str, list[tuple[str, URLPattern]]] = {}
    for pattern, head in zip(urls, heads, strict=True):
        assert head is not None and isinstance(pattern, URLPattern)
        groups.setdefault(head, []).append((str(pattern.pattern._route), pattern))  # type: ignore[union-attr]
    result: list[URLPattern | URLResolver] = []
    for head, members in groups.items():
        if len(members) == 1 or not head:
            result.extend(pattern for _route, pattern in members)
            continue
        inner = [
            URLPattern(
                _Tail(route[len(head) :], name=p.name, is_endpoint=True),
                p.callback,
                p.default_args,
                p.name,
            )
            for route, p in members
        ]
        result.append(URLResolver(RoutePattern(head, is_endpoint=False), inner))
    return result

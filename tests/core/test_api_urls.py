"""The API's URL patterns, grouped by first segment, resolve as they did ungrouped."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from interlock.core.api_urls import grouped

SAMPLES = {"int": "7", "str": "x", "slug": "x", "uuid": "12345678-1234-1234-1234-123456789012"}


def _api() -> URLResolver:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "api/v1/":
            return pattern
    raise AssertionError("no /api/v1/ in the URLs")


def _flat(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _flat(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern.pattern, RoutePattern):
            found.append((prefix + str(pattern.pattern), pattern.name or ""))
    return found


def _sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)


def test_patterns_are_grouped_and_each_resolves_to_its_own_view() -> None:
    api = _api()
    routes = _flat(api.url_patterns)
    assert len(routes) > 100
    assert len(api.url_patterns) < len(routes) / 3  # grouped: few tries per request
    for route, _name in routes:
        match = resolve("/api/v1/" + _sample(route))
        # Routes of one path (one per method) share a view: the first one answers.
        first = next(n for r, n in routes if _sample(r) == _sample(route))
        assert match.url_name == first, route


def test_the_root_and_unknown_paths_keep_their_views() -> None:
    assert resolve("/api/v1/").url_name == "api-root"
    assert resolve("/api/v1/no/such/thing").url_name == "unknown-path"


def test_a_pattern_with_a_converter_first_leaves_the_list_as_it_is() -> None:
    from django.urls import path

    def view() -> None: ...

    urls: list[URLPattern | URLResolver] = [path("a/b", view), path("<int:x>/c", view)]
    assert grouped(urls) is urls
    urls = [path("", view), path("a/b", view), path("a/c", view), path("d", view)]
    result = grouped(urls)
    assert [str(p.pattern) for p in result] == ["", "a", "d"]

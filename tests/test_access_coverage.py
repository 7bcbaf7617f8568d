"""Every page and every API operation must have an access-matrix entry.

A new URL or endpoint without an entry in ``tests/access_web.py`` or
``tests/access_api.py`` fails here, so nobody can add one without writing
down (and thereby testing) who may and who may not use it.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from interlock.api import api
from tests import access_api, access_web

# Pages owned by libraries, checked by their own tests or ours elsewhere.
EXEMPT_NAMESPACES = {"admin", "api"}
EXEMPT_NAMES: set[str] = set()


def _url_names(resolver: URLResolver, namespace: str | None = None) -> set[str]:
    names: set[str] = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in EXEMPT_NAMESPACES:
                continue
            names |= _url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_page_has_an_access_entry() -> None:
    missing = _url_names(get_resolver()) - EXEMPT_NAMES - set(access_web.CASES)
    assert not missing, f"pages without an access-matrix entry: {sorted(missing)}"


def test_every_api_operation_has_an_access_entry() -> None:
    missing = _api_operations() - set(access_api.CASES)
    assert not missing, f"API operations without an access-matrix entry: {sorted(missing)}"


def test_matrix_entries_name_existing_routes() -> None:
    stale_api = set(access_api.CASES) - _api_operations()
    assert not stale_api, f"access entries for operations that no longer exist: {sorted(stale_api)}"

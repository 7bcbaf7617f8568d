"""A web worker loads its URL modules and translations before its first request."""

from __future__ import annotations

from django.urls import clear_url_caches, get_resolver
from django.utils import translation

from interlock import wsgi


def test_warm_up_imports_the_urlconf_and_the_catalogs() -> None:
    clear_url_caches()
    translation.trans_real._translations.clear()  # type: ignore[attr-defined]
    assert "url_patterns" not in vars(get_resolver())
    wsgi._warm_up()
    resolver = get_resolver()
    assert "url_patterns" in vars(resolver)  # the cached property is filled
    assert resolver.resolve("/api/v1/leads").url_name
    assert {"de", "en"} <= set(translation.trans_real._translations)  # type: ignore[attr-defined]

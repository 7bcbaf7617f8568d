"""The WSGI application, with the garbage collector kept off the long-lived heap.

Each worker imports the URL modules and translation catalogs before it
serves (``_warm_up``). A worker's heap is mostly objects that live as long
as the process: modules, URL patterns, templates, compiled SQL, API
schemas. Python's cyclic collector still walks all of them in every full
collection, which showed up as the slowest one percent of requests. So each worker freezes what it holds
once at start and once more after its first requests have filled the lazy
caches (``gc.freeze`` moves them out of the collector's generations); the
collector keeps running for everything a request creates.
``INTERLOCK_GC_FREEZE=false`` turns this off.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

from interlock.core.env import env_bool

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlock.settings")
django_application = get_wsgi_application()

WARM_REQUESTS = 200  # after these, the lazy caches (URLs, templates, SQL) are filled


def _warm_up() -> None:
    """Load now what the first request would load: every URL module (views, API
    schemas) and the translation catalogs.

    gunicorn imports this module in each worker before it accepts
    connections; left to the first request, this cost a worker that had not
    served yet 1–3 s on its first requests under load.
    """
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  (the property imports the URLconf)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Interlock")


def _freeze() -> None:
    gc.collect()
    gc.freeze()


def _frozen_after_warm_up(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    seen = 0
    lock = threading.Lock()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        nonlocal seen
        if seen <= WARM_REQUESTS:
            with lock:
                seen += 1
                if seen == WARM_REQUESTS:
                    _freeze()
        return app(environ, start_response)

    return application


_warm_up()
if env_bool("INTERLOCK_GC_FREEZE", True):
    _freeze()
    application = _frozen_after_warm_up(django_application)
else:
    application = django_application

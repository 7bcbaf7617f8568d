"""The WSGI application, with the garbage collector kept off the long-lived heap.

A worker's heap is mostly objects that live as long as the process: modules,
URL patterns, templates, compiled SQL, API schemas. Python's cyclic
collector still walks all of them in every full collection, which showed up
as the slowest one percent of requests. So each worker freezes what it holds
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


if env_bool("INTERLOCK_GC_FREEZE", True):
    _freeze()
    application = _frozen_after_warm_up(django_application)
else:
    application = django_application

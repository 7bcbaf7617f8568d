"""Interlock's settings plus the raw baseline view (bench/baseline_urls.py).

The server in the API benchmark runs with these settings, so the API and the
baseline are served by the same processes, middleware and database.
"""

from interlock.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline_urls"

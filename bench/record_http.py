"""Benchmark: the customer record over HTTP at 1,000,000 contacts.

Setup (not measured): 20 owners, 50,000 accounts, 1,000,000 contacts and
5,000,000 timeline entries (``activity.logged`` events in ``core_event`` plus
the ``customers_timelineentry`` rows the timeline subscriber would write for
them; 1,000,000 of them on 100 busy accounts), all written with set-based raw
SQL (``executemany``/``COPY`` and ``INSERT … SELECT``). Then the production
server (``interlock serve --workers 2``, gunicorn gthread) on a free loopback
port and 16 keep-alive client threads.

Measured, each beside a raw baseline in the same server and run (rounds
alternate project/baseline; figures are medians over rounds):

- ``contacts``: ``GET /api/v1/contacts?owner=<id>&sort=name&limit=50&cursor=<middle>``
  (8 owners, each at the middle of their 50,000 contacts) vs
  ``/bench/raw-contacts`` (one raw keyset query, the same rows and fields).
- ``timeline``: ``GET /api/v1/accounts/<id>/timeline`` (first page, 10,000
  entries per account, 16 accounts) vs ``/bench/raw-timeline``.
- ``search``: ``GET /api/v1/search?q=…`` when the search app provides it
  (``interlock.search.services.rebuild_index`` is called after seeding);
  otherwise skipped with a note.

``--quick``: 20,000 contacts, 100,000 timeline entries, shorter rounds.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db import connection

from bench.child import log
from bench.common import (
    admin,
    free_port,
    http_get,
    load,
    median,
    ratio,
    start_server,
    stop_server,
)
from bench.record_seed import seed

THREADS = 16
SEARCH_TERMS = ("Bergmann", "Andrea", "kessler", "contact0012345", "Maschinenbau")


def _search_ready() -> tuple[bool, str]:
    try:
        from interlock.search import services as search_services
    except ImportError:
        return False, "search app has no services module yet: skipped"
    rebuild = getattr(search_services, "rebuild_index", None)
    if rebuild is None:
        return False, "interlock.search.services.rebuild_index missing: skipped"
    started = time.perf_counter()
    try:
        rebuild()
    except Exception as exc:  # the search app is built in parallel; report, do not fail
        return False, f"rebuild_index failed ({exc!r}): skipped"
    return True, f"index rebuilt in {time.perf_counter() - started:.1f} s"


def _middle_cursors(owners: list[int]) -> list[tuple[int, str]]:
    from interlock.core.pagination import encode_cursor
    from interlock.customers.models import Contact

    found = []
    for owner in owners:
        qs = Contact.objects.filter(owner_id=owner).order_by("last_name", "first_name", "id")
        total = qs.count()
        row = qs.values_list("last_name", "first_name", "id")[total // 2]
        found.append((owner, encode_cursor(list(row))))
    return found


def _scenarios(seeded: dict[str, Any], search: bool) -> dict[str, dict[str, list[str]]]:
    owners = seeded["owners"][:8]
    cursors = _middle_cursors(owners)
    contacts_api = [
        "/api/v1/contacts?" + urlencode({"owner": o, "sort": "name", "limit": 50, "cursor": c})
        for o, c in cursors
    ]
    contacts_raw = [
        "/bench/raw-contacts?" + urlencode({"owner": o, "limit": 50, "cursor": c})
        for o, c in cursors
    ]
    accounts = list(range(1, 17))
    scenarios = {
        "contacts": {"project": contacts_api, "baseline": contacts_raw},
        "timeline": {
            "project": [f"/api/v1/accounts/{a}/timeline?limit=50" for a in accounts],
            "baseline": [f"/bench/raw-timeline?account={a}&limit=50" for a in accounts],
        },
    }
    if search:
        scenarios["search"] = {
            "project": [f"/api/v1/search?q={quote(term)}" for term in SEARCH_TERMS],
            "baseline": [],
        }
    return scenarios


def _check(port: int, paths: list[str], headers: dict[str, str]) -> str:
    """'' if the first path answers 200 with items, else what went wrong."""
    status, body = http_get(port, paths[0], headers)
    if status != 200:
        return f"{paths[0]} answered {status}: {body[:200]!r}"
    try:
        data = json.loads(body)
    except ValueError:
        return f"{paths[0]} answered no JSON"
    if isinstance(data, dict) and not data.get("items", data.get("results", [1])):
        return f"{paths[0]} answered an empty page"
    return ""


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    from interlock.core.tokens import token_create

    per_thread = 150 if quick else 400
    seconds = 10.0 if quick else 25.0
    actor = admin()
    _token, raw = token_create(user=actor, name="bench", scope="read")
    seeded = seed(quick)
    search, search_note = _search_ready()
    log(search_note)
    scenarios = _scenarios(seeded, search)
    data_dir = Path(settings.DATA_DIR)
    connection.close()

    port = free_port()
    server = start_server(port, data_dir)
    auth = {"Authorization": f"Bearer {raw}"}
    headers = {"project": auth, "baseline": {}}
    rounds: dict[str, dict[str, list[dict[str, Any]]]] = {
        name: {"project": [], "baseline": []} for name in scenarios
    }
    notes: dict[str, str] = {"search": search_note}
    try:
        for name, paths in scenarios.items():
            for kind in ("project", "baseline"):
                if not paths[kind]:
                    continue
                problem = _check(port, paths[kind], headers[kind])
                if problem:
                    log(f"{name} {kind}: {problem}")
                    notes[f"{name}-{kind}"] = problem
                    paths[kind] = []
                    continue
                # warm up: imports, connections, caches, the page cache
                load(port, paths[kind], headers[kind], threads=THREADS, per_thread=60, seconds=8)
            order = (["project", "baseline", "baseline", "project"] * runs)[: 2 * runs]
            for kind in order:
                if not paths[kind]:
                    continue
                result = load(
                    port,
                    paths[kind],
                    headers[kind],
                    threads=THREADS,
                    per_thread=per_thread,
                    seconds=seconds,
                )
                rounds[name][kind].append(result)
                log(
                    f"{name} {kind}: {result['requests']} requests, {result['errors']} errors, "
                    f"p50 {result.get('p50_ms', 0):.1f} ms, p99 {result.get('p99_ms', 0):.1f} ms, "
                    f"{result.get('rps', 0):.0f} req/s"
                )
    finally:
        stop_server(server)

    out: list[dict[str, Any]] = []
    common = {
        "benchmark": "record_http",
        "contacts": seeded["contacts"],
        "timeline_entries": seeded["entries"],
        "seed_seconds": seeded["seed_seconds"],
        "threads": THREADS,
        "database": connection.vendor,
        "notes": notes,
        "rounds": rounds,
    }
    descriptions = {
        "contacts": "contacts of one owner by name, 50 rows at the middle cursor",
        "timeline": "an account's timeline, first page of 50 (10,000+ entries)",
        "search": "search, first page",
    }
    for name in scenarios:
        for key, metric, unit, higher in (
            ("p50_ms", "p50", "ms", False),
            ("p99_ms", "p99", "ms", False),
            ("rps", "throughput", "req/s", True),
        ):
            project = median([r[key] for r in rounds[name]["project"] if key in r])
            baseline = median([r[key] for r in rounds[name]["baseline"] if key in r])
            out.append(
                {
                    **common,
                    "description": descriptions[name],
                    "metric": f"{name} {metric}",
                    "unit": f"{unit} (median of rounds)",
                    "project": project,
                    "baseline": baseline,
                    "ratio": ratio(project, baseline, higher_is_better=higher),
                }
            )
            common = {k: v for k, v in common.items() if k != "rounds"}
    if not search:
        out.append(
            {
                "benchmark": "record_http",
                "metric": "search",
                "unit": search_note,
                "project": None,
                "baseline": None,
                "ratio": None,
            }
        )
    out.append(
        {
            "benchmark": "record_http",
            "metric": "seeding",
            "unit": f"s ({seeded['contacts']:,} contacts, {seeded['entries']:,} entries)",
            "project": seeded["seed_seconds"],
            "baseline": None,
            "ratio": None,
        }
    )
    return out

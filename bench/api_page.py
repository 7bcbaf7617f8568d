"""Benchmark: a page of 50 users through the API at 1,000,000 rows.

Seeds the users raw (``executemany``/``COPY``: the seeding is not measured),
starts the production server (``interlock serve --no-worker --quiet
--workers 2``: gunicorn, gthread) on a free loopback port and sends
``GET /api/v1/users?limit=50&cursor=<a cursor in the middle>`` with a read
token from N client threads on keep-alive connections (``http.client``).

Baseline, same server and run: ``GET /bench/raw-users?after=<middle id>&limit=50``,
a plain Django view that runs one raw SQL query and returns the 50 rows as
JSON, without authentication, rate limit, ORM or schema (bench/baseline_urls.py).
Rounds alternate between the two; each figure is the median over the rounds.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from bench.child import log
from bench.common import (
    admin,
    free_port,
    http_get,
    load,
    median,
    ratio,
    raw_insert_users,
    start_server,
    stop_server,
)

THREADS = 8


def _seed(count: int) -> None:
    from interlock.org.demo import FIRST_NAMES, LAST_NAMES

    now_db = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.perf_counter()
    chunk = 100_000
    for offset in range(0, count, chunk):
        rows = []
        for number in range(offset, min(count, offset + chunk)):
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = LAST_NAMES[(number * 7) % len(LAST_NAMES)]
            rows.append(
                (
                    "!",
                    None,
                    False,
                    f"user{number:07d}",
                    first,
                    last,
                    f"user{number:07d}@example.com",
                    False,
                    True,
                    now_db,
                    "member",
                    "de",
                    "",
                )
            )
        with transaction.atomic(), connection.cursor() as cursor:
            raw_insert_users(cursor, rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE org_user")
        else:
            cursor.execute("ANALYZE")
    log(f"seeded {count:,} users in {time.perf_counter() - started:.1f} s")


def _middle_cursor(first_page: dict[str, Any], count: int) -> tuple[str | None, str]:
    """A cursor pointing at the middle of the API's ordering, built like the API's own.

    The cursor is base64 JSON of the ordering key values of the last row (id
    last). The key fields are recognised on the row the first page's cursor
    points at; the middle row in that ordering is then encoded the same way.
    """
    from interlock.org.models import User

    token = first_page.get("next_cursor")
    if not token:
        return None, "no next_cursor on the first page"
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        return token, "opaque cursor: second page"
    if not isinstance(values, list) or not values:
        return token, "unknown cursor: second page"
    row = User.objects.filter(pk=values[-1]).values().first()
    if row is None:
        return token, "cursor id not found: second page"
    fields: list[str] = []
    for value in values[:-1]:
        names = [
            name
            for name, have in row.items()
            if name not in fields and (have == value or _iso(have) == value)
        ]
        if not names:
            return token, "unknown ordering: second page"
        fields.append(names[0])
    fields.append("id")
    middle = User.objects.order_by(*fields).values_list(*fields)[count // 2]
    raw = json.dumps([_iso(v) for v in middle], separators=(",", ":")).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return cursor, f"middle of ordering ({', '.join(fields)})"


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _load(
    port: int, path: str, headers: dict[str, str], per_thread: int, seconds: float
) -> dict[str, Any]:
    return load(port, [path], headers, threads=THREADS, per_thread=per_thread, seconds=seconds)


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    from interlock.core.tokens import token_create
    from interlock.org.models import User

    count = 100_000 if quick else 1_000_000
    per_thread = 100 if quick else 300
    seconds = 20.0 if quick else 30.0
    actor = admin()
    _token, raw = token_create(user=actor, name="bench", scope="read")
    _seed(count)
    ids = list(
        User.objects.order_by("id").values_list("id", flat=True)[count // 2 : count // 2 + 1]
    )
    middle_id = ids[0] if ids else 0
    data_dir = Path(settings.DATA_DIR)
    connection.close()

    port = free_port()
    server = start_server(port, data_dir)
    auth = {"Authorization": f"Bearer {raw}"}
    rounds: dict[str, list[dict[str, Any]]] = {"project": [], "baseline": []}
    note = ""
    try:
        status, body = http_get(port, "/api/v1/users?limit=50", auth)
        if status == 200:
            cursor, note = _middle_cursor(json.loads(body), count)
            api_path = "/api/v1/users?limit=50" + (f"&cursor={quote(cursor)}" if cursor else "")
            status, _body = http_get(port, api_path, auth)
            if status != 200:
                note += f"; middle cursor answered {status}, using the first page"
                api_path = "/api/v1/users?limit=50"
        else:
            api_path = ""
            note = f"/api/v1/users answered {status}: {body[:200]!r}"
            log(note)
        paths = {"project": api_path, "baseline": f"/bench/raw-users?after={middle_id}&limit=50"}
        headers = {"project": auth, "baseline": {}}
        for kind in ("project", "baseline"):  # warm both up: imports, connections, caches
            if paths[kind]:
                _load(port, paths[kind], headers[kind], 20, 10)
        order = (["project", "baseline", "baseline", "project"] * runs)[: 2 * runs]
        for kind in order:
            if not paths[kind]:
                continue
            result = _load(port, paths[kind], headers[kind], per_thread, seconds)
            rounds[kind].append(result)
            log(
                f"{kind}: {result['requests']} requests, {result['errors']} errors, "
                f"p50 {result.get('p50_ms', 0):.1f} ms, p99 {result.get('p99_ms', 0):.1f} ms, "
                f"{result.get('rps', 0):.0f} req/s"
            )
    finally:
        stop_server(server)

    def figure(kind: str, key: str) -> float | None:
        return median([r[key] for r in rounds[kind] if key in r])

    common = {
        "benchmark": "api_page",
        "rows": count,
        "threads": THREADS,
        "requests_per_thread": per_thread,
        "database": connection.vendor,
        "cursor": note,
        "rounds": rounds,
    }
    out = []
    for key, metric, unit, higher in (
        ("p50_ms", "p50 latency", "ms (median of rounds)", False),
        ("p99_ms", "p99 latency", "ms (median of rounds)", False),
        ("rps", "throughput", "req/s (median of rounds)", True),
    ):
        project, baseline = figure("project", key), figure("baseline", key)
        out.append(
            {
                **common,
                "description": f"GET a page of 50 users at {count:,} rows, {THREADS} threads",
                "metric": metric,
                "unit": unit,
                "project": project,
                "baseline": baseline,
                "ratio": ratio(project, baseline, higher_is_better=higher),
            }
        )
        common = {k: v for k, v in common.items() if k != "rounds"}
    return out

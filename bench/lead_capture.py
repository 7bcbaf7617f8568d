"""Benchmark lead_capture: ``POST /api/v1/leads`` under load, beside a one-row insert.

Setup (not measured): a sales team of 4 reps, 3 routing rules (territory,
size, a catch-all round robin with a capacity), 4 fit rules, the MQL rule at
fit B and engagement 20, a campaign found by ``utm_campaign``, a write token.
Then the production server (``interlock serve``: gunicorn gthread, 2 web
workers, and the background worker as ``make run`` starts it) on a free
loopback port and wrk with 16 keep-alive connections POSTing JSON, every
request with a new e-mail address (a Lua script numbers them per thread and
round). A request stores the submission and answers 202; the worker
processes it: de-duplication, account by domain (200 domains: found or
created), contact, lead profile and scores, stage change, campaign member
and response, events, audit — and for every 20th lead ("Head of
Purchasing", fit B) the promotion to MQL, handoff and routing.

Baseline, in the same server and run, rounds alternating: ``POST
/bench/raw-contact-insert`` (``bench/baseline_urls.py``), a minimal Django
view that parses the same JSON and inserts one row into the same contacts
table. A project round ends when the worker has processed every capture of
it and delivered every event; the baseline round then runs alone.
``processed_rps`` counts from the first request to the last capture
processed (de-duplicated, scored, routed, events written), ``settled_rps``
to the last event delivered (timeline, search, agreements, reports).
Targets: throughput ≥ 30 % of the baseline's, p99 ≤ 50 ms; processed is
held to ≥ 30 % too. ``--quick``: shorter rounds.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from bench.child import log
from bench.common import admin, free_port, median, ratio, start_server, stop_server
from bench.wrk import MARK, run_wrk, wrk_path

CONNECTIONS = 16
API_PATH = "/api/v1/leads"
BASELINE_PATH = "/bench/raw-contact-insert"

_SCRIPT = """
local counter = 0
local thread_no = 0
setup = function(thread)
  thread:set("tid", thread_no)
  thread_no = thread_no + 1
end
request = function()
  counter = counter + 1
  local n = counter %% 200
  local body = string.format(
    '{"email":"%(prefix)s-%%d-%%d@mail%%d.example","first_name":"Lea","last_name":"Lead %%d",' ..
    '"company":"Firma %%d","domain":"firma%%d.example","country":"DE",' ..
    '"title":"%%s","utm_campaign":"bench","utm_source":"wrk",' ..
    '"consent_text":"Ich willige ein."}',
    tid, counter, n, counter, n, n,
    (counter %% 20 == 0) and "Head of Purchasing" or "Sachbearbeitung Einkauf")
  return wrk.format("POST", "%(path)s", nil, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,' ..
    '"write":%%d,"status":%%d,"timeout":%%d,"p50_us":%%.1f,"p99_us":%%.1f,"max_us":%%.1f}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def post_load(
    port: int, path: str, headers: dict[str, str], *, prefix: str, seconds: float
) -> dict[str, Any]:
    """wrk POSTing JSON with a distinct e-mail per request; same keys as ``common.load``."""
    script = _SCRIPT % {"prefix": prefix, "path": path, "mark": MARK}
    return run_wrk(
        script,
        port,
        {**headers, "Content-Type": "application/json"},
        connections=CONNECTIONS,
        seconds=seconds,
    )


def _setup(actor: Any) -> None:
    """Reps, routing rules, fit rules and the campaign, through the services."""
    from interlock.campaigns.models import Campaign
    from interlock.leads import services_routing
    from interlock.org.models import Membership, Team, User

    team = Team.objects.filter(function=Team.Function.SALES).first()
    if team is None:
        team = Team.objects.create(name="Vertrieb", slug="vertrieb", function="sales")
    reps = []
    for i in range(4):
        rep, _created = User.objects.get_or_create(
            username=f"bench-rep{i}", defaults={"first_name": f"Rep{i}", "last_name": "Bench"}
        )
        Membership.objects.get_or_create(user=rep, team=team)
        reps.append(rep)
    services_routing.lead_settings_update(actor=actor, default_team=team)
    services_routing.routing_rule_create(
        actor=actor,
        name="Enterprise",
        team=team,
        method="account_owner",
        conditions={"sizes": ["1000+"]},
    )
    services_routing.routing_rule_create(
        actor=actor,
        name="Österreich und Schweiz",
        team=team,
        conditions={"countries": ["AT", "CH"]},
        members=reps[:2],
    )
    services_routing.routing_rule_create(
        actor=actor, name="Alle anderen", team=team, members=reps, capacity=100000
    )
    try:
        from interlock.leads.services_scoring import fit_rule_create

        for field, operator, value, points in (
            ("country", "in", "DE, AT, CH", 10),
            ("title", "contains", "purchasing", 15),
            ("title", "matches", r"^(head|leiter) of", 10),
            ("free_mail", "equals", "true", -10),
        ):
            fit_rule_create(actor=actor, field=field, operator=operator, value=value, points=points)
    except Exception as exc:  # scoring is built in parallel; measure without its rules
        log(f"fit rules not set up ({exc!r}); scoring runs with its defaults")
    Campaign.objects.create(
        name="Bench", type="webinar", starts_on=date(2026, 1, 1), utm_campaign="bench"
    )
    # One lead in 20 ("Head of Purchasing", fit B) meets the MQL rule at once
    # and is handed off through routing; the others are scored and wait.
    from interlock.leads.services_scoring import scoring_settings_update

    scoring_settings_update(actor=actor, mql_min_grade="B", mql_min_engagement=20)


def _pending() -> tuple[int, int]:
    """Captures not processed yet (intake and table), event deliveries not done yet."""
    from interlock.core.models import EventDelivery
    from interlock.leads import intake
    from interlock.leads.models import Capture

    captures: int = Capture.objects.filter(status=Capture.Status.PENDING).count()
    captures += intake.waiting()
    deliveries: int = EventDelivery.objects.filter(status=EventDelivery.Status.PENDING).count()
    connection.close()
    return captures, deliveries


def wait_drained(limit: float = 600.0) -> tuple[float, float, int]:
    """Seconds until the worker has processed every stored capture, and until it has
    delivered their events too (timeline, search, agreements, reports); the backlog."""
    started = time.perf_counter()
    captures, deliveries = _pending()
    backlog = captures + deliveries
    processed_s = 0.0 if not captures else None
    while captures + deliveries and time.perf_counter() - started < limit:
        time.sleep(0.1)
        captures, deliveries = _pending()
        if processed_s is None and not captures:
            processed_s = time.perf_counter() - started
    if captures + deliveries:
        raise RuntimeError(
            f"{captures} captures and {deliveries} deliveries still pending after {limit:.0f} s"
        )
    settled_s = time.perf_counter() - started
    return (settled_s if processed_s is None else processed_s), settled_s, backlog


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    from interlock.core.tokens import token_create

    if wrk_path() is None:
        return [
            {
                "benchmark": "lead_capture",
                "metric": "skipped",
                "unit": "wrk is not installed",
                "project": None,
                "baseline": None,
                "ratio": None,
            }
        ]
    seconds = 8.0 if quick else 20.0
    actor = admin()
    _token, raw = token_create(user=actor, name="bench", scope="write")
    _setup(actor)
    from interlock.customers.models import Contact

    start_contacts = Contact.objects.count()
    data_dir = Path(settings.DATA_DIR)
    connection.close()
    # One token sends every request: lift the per-token API rate limit.
    os.environ["INTERLOCK_API_RATE_LIMIT"] = str(10**9)
    port = free_port()
    server = start_server(port, data_dir, worker=True)
    headers = {"project": {"Authorization": f"Bearer {raw}"}, "baseline": {}}
    paths = {"project": API_PATH, "baseline": BASELINE_PATH}
    rounds: dict[str, list[dict[str, Any]]] = {"project": [], "baseline": []}
    try:
        for kind in ("project", "baseline"):  # warm up: imports, connections, caches
            post_load(port, paths[kind], headers[kind], prefix=f"warm-{kind}", seconds=3)
        wait_drained()
        order = (["project", "baseline", "baseline", "project"] * runs)[: 2 * runs]
        for number, kind in enumerate(order):
            result = post_load(
                port, paths[kind], headers[kind], prefix=f"r{number}-{kind}", seconds=seconds
            )
            if kind == "project":
                # Processed means processed: the round ends when the worker has
                # taken every capture (the baseline round then runs alone).
                processed_s, settled_s, backlog = wait_drained()
                seconds_run = result["requests"] / result["rps"] if result["rps"] else seconds
                result["drain_s"] = round(processed_s, 2)
                result["settle_s"] = round(settled_s, 2)
                result["backlog"] = backlog
                result["processed_rps"] = round(result["requests"] / (seconds_run + processed_s), 1)
                result["settled_rps"] = round(result["requests"] / (seconds_run + settled_s), 1)
            rounds[kind].append(result)
            log(
                f"lead_capture {kind}: {result['requests']} requests, {result['errors']} errors, "
                f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
                f"{result['rps']:.0f} req/s"
                + (
                    f"; backlog {result['backlog']}: captures processed {result['drain_s']:.1f} s "
                    f"later ({result['processed_rps']:.0f}/s end to end), events delivered "
                    f"{result['settle_s']:.1f} s later ({result['settled_rps']:.0f}/s)"
                    if kind == "project"
                    else ""
                )
            )
    finally:
        stop_server(server)

    from interlock.leads.models import Assignment, Capture, Handoff

    captured = Capture.objects.count()
    failed = Capture.objects.filter(status=Capture.Status.FAILED).count()
    handoffs = Handoff.objects.count()
    made = Contact.objects.count() - start_contacts
    routed = Assignment.objects.count()
    common = {
        "benchmark": "lead_capture",
        "connections": CONNECTIONS,
        "database": connection.vendor,
        "captures": captured,
        "contacts_written": made,
        "assignments": routed,
        "handoffs": handoffs,
        "failed": failed,
        "rounds": rounds,
    }
    out: list[dict[str, Any]] = []
    for key, metric, unit, higher in (
        ("rps", "throughput", "req/s", True),
        ("p50_ms", "p50", "ms", False),
        ("p99_ms", "p99", "ms", False),
    ):
        project = median([r[key] for r in rounds["project"]])
        baseline = median([r[key] for r in rounds["baseline"]])
        out.append(
            {
                **common,
                "description": "POST /api/v1/leads (new e-mail each) vs one-row insert view",
                "metric": metric,
                "unit": f"{unit} (median of rounds)",
                "project": project,
                "baseline": baseline,
                "ratio": ratio(project, baseline, higher_is_better=higher),
            }
        )
        common = {k: v for k, v in common.items() if k != "rounds"}
    rps = out[0]
    processed = median([r["processed_rps"] for r in rounds["project"]])
    out.append(
        {
            **common,
            "description": "captures processed per second (contact de-duplicated, scored, "
            "routed, events written), from the first request until the worker has taken the "
            "last (vs the insert view's requests per second)",
            "metric": "processed",
            "unit": "captures/s (median of rounds)",
            "project": processed,
            "baseline": rps["baseline"],
            "ratio": ratio(processed, rps["baseline"], higher_is_better=True),
        }
    )
    settled = median([r["settled_rps"] for r in rounds["project"]])
    out.append(
        {
            **common,
            "description": "captures per second until every event of theirs is delivered too "
            "(timeline, search, agreements, reports)",
            "metric": "settled",
            "unit": "captures/s (median of rounds)",
            "project": settled,
            "baseline": rps["baseline"],
            "ratio": ratio(settled, rps["baseline"], higher_is_better=True),
        }
    )
    share = (rps["project"] or 0) / rps["baseline"] if rps["baseline"] else 0.0
    done_share = (processed or 0) / rps["baseline"] if rps["baseline"] else 0.0
    p99 = out[2]["project"] or 0.0
    out.append(
        {
            "benchmark": "lead_capture",
            "metric": "targets",
            "unit": f"throughput {share:.0%} and processed {done_share:.0%} of baseline "
            f"(≥ 30 %), p99 {p99:.1f} ms (≤ 50 ms), {failed} failed",
            "project": round(min(share, done_share), 3),
            "baseline": 0.30,
            "ratio": None,
            "met": share >= 0.30 and done_share >= 0.30 and p99 <= 50.0 and failed == 0,
        }
    )
    return out

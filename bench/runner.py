"""The parent process: one fresh database and one child process per benchmark.

Settings are read once per process, so every benchmark runs in a child
(``python -m bench.child NAME``) whose environment points at its own
database: a new SQLite file under ``var/bench/`` (the project's own SQLite
settings: WAL, synchronous=NORMAL), or, when ``DATABASE_URL`` names a
PostgreSQL server, a database ``<name>_bench`` dropped and created afresh.
The child prints its results as one JSON line; this process prints the table
and writes ``var/bench/<timestamp>.json`` and ``var/bench/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
RESULT_PREFIX = "BENCH-RESULT "

BENCHMARKS = {
    "bulk_users": "write 100,000 audited, event-recording users through the service bulk path",
    "api_page": "read a page of 50 users through the API at 1,000,000 rows",
    "import_contacts": "import 1,000,000 contacts from CSV (accounts, de-duplication, audit, events)",
    "record_http": "contact list, search and timeline over HTTP at 1,000,000 contacts",
    "lead_scoring": "re-score 1,000,000 contacts (10 fit rules, 5,000,000 activities)",
    "lead_capture": "lead capture over HTTP (de-duplication, scoring, routing, events)",
    "lead_reports": "funnel and speed-to-lead reports at 1,000,000 contacts",
    "agreements_tick": "one agreement-engine tick: 1,000,000 open obligations, 20,000 coming due",
    "agreements_replay": "replay 5,000,000 events into obligations from scratch",
    "agreements_scorecard": "scorecard of an agreement over a year of 1,000,000 deliverables",
}


def _log(message: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}\n")
    sys.stderr.flush()


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _bench_db_url(url: str) -> tuple[str, str, str]:
    """(URL of the bench database, its name, URL of the maintenance database)."""
    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "interlock"
    name = f"{base}_bench"
    bench_url = urlunsplit(parts._replace(path=f"/{name}"))
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    return bench_url, name, admin_url


def _recreate_postgres(url: str) -> str:
    import psycopg

    bench_url, name, admin_url = _bench_db_url(url)
    with psycopg.connect(
        admin_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    return bench_url


def _drop_postgres(url: str) -> None:
    import psycopg

    _bench_url, name, admin_url = _bench_db_url(url)
    with psycopg.connect(
        admin_url.replace("postgres://", "postgresql://", 1), autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _machine(pg_url: str | None) -> dict[str, Any]:
    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "database": "postgresql" if pg_url else "sqlite",
    }
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False)
        info["memory"] = free.stdout.splitlines()[1].split()[1]
    except (OSError, IndexError):
        pass
    try:
        import django

        info["django"] = django.get_version()
    except ImportError:
        pass
    try:
        load = os.getloadavg()
        info["load_before"] = [round(x, 2) for x in load]
    except OSError:
        pass
    if pg_url:
        try:
            import psycopg

            bench_url = _bench_db_url(pg_url)[2].replace("postgres://", "postgresql://", 1)
            with psycopg.connect(bench_url) as c:
                row = c.execute("SHOW server_version").fetchone()
                info["postgresql"] = row[0] if row else None
        except Exception as exc:  # only informative
            info["postgresql"] = f"unknown ({exc})"
    return info


def _run_child(
    name: str, stamp: str, args: argparse.Namespace, pg_url: str | None
) -> list[dict[str, Any]]:
    data_dir = OUT / f"{stamp}-{os.getpid()}-{name}"  # two runs in one second stay apart
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        INTERLOCK_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="bench.baseline_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")])),
        INTERLOCK_API_RATE_LIMIT="100000000",
        INTERLOCK_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if pg_url:
        env["DATABASE_URL"] = _recreate_postgres(pg_url)
    cmd = [sys.executable, "-m", "bench.child", name, "--runs", str(args.runs)]
    if args.quick:
        cmd.append("--quick")
    _log(f"{name}: {BENCHMARKS[name]} ({'PostgreSQL' if pg_url else 'SQLite'}, {data_dir})")
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=False)
    _log(f"{name}: finished in {time.perf_counter() - started:.0f} s (exit {proc.returncode})")
    results: list[dict[str, Any]] = []
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            results.extend(json.loads(line[len(RESULT_PREFIX) :]))
        elif line.strip():
            sys.stderr.write(line + "\n")
    if proc.returncode != 0 and not results:
        results.append({"benchmark": name, "metric": "failed", "error": f"exit {proc.returncode}"})
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
        if pg_url:
            _drop_postgres(pg_url)
    return results


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}" if value >= 1 else f"{value:.3f}"
    return str(value)


def table(results: list[dict[str, Any]]) -> str:
    header = ("benchmark", "metric", "project", "baseline", "ratio", "unit")
    rows = [header]
    for r in results:
        rows.append(
            (
                r.get("benchmark", "?"),
                r.get("metric", ""),
                _fmt(r.get("project")),
                _fmt(r.get("baseline")),
                _fmt(r.get("ratio")) + ("×" if r.get("ratio") else ""),
                r.get("unit", r.get("error", "")),
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            str(c).ljust(widths[i]) if i < 2 else str(c).rjust(widths[i]) for i, c in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("ratio = how many times the baseline's cost the project pays (1.0× = as fast).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one run")
    parser.add_argument("--runs", type=int, default=None, help="repetitions (default 3, quick 1)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep each benchmark's data directory (and PostgreSQL database)",
    )
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    pg_url = _postgres_url()
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    machine = _machine(pg_url)
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    for name in names:
        results.extend(_run_child(name, stamp, args, pg_url))
    report = {
        "timestamp": stamp,
        "quick": args.quick,
        "runs": args.runs,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine,
        "results": results,
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    (OUT / f"{stamp}.json").write_text(text, encoding="utf-8")
    (OUT / "latest.json").write_text(text, encoding="utf-8")
    print(table(results))
    print(
        f"\n{machine['database']}, {machine['nproc']} cores, Python {machine['python']}, "
        f"SQLite {machine['sqlite']}; {report['seconds']} s; written to {OUT / (stamp + '.json')}"
    )
    return 0 if all(r.get("metric") != "failed" for r in results) else 1

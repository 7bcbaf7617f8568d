"""Helpers shared by the benchmark children (Django is set up)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.db import connection


def admin() -> Any:
    from interlock.org.demo import admin_bootstrap
    from interlock.org.models import User

    existing = User.objects.filter(username="bench-admin").first()
    if existing is not None:
        return existing
    return admin_bootstrap(
        username="bench-admin",
        email="bench-admin@example.com",
        password="bench-admin-password",  # noqa: S106 (local, throwaway)
        check_password=False,
    )


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def alternate(
    runs: int,
    project: Callable[[], Any],
    baseline: Callable[[], Any],
    *,
    before: Callable[[], Any] | None = None,
    log: Callable[[str], None] = print,
) -> tuple[float | None, float | None, dict[str, list[float]]]:
    """Time ``project`` and ``baseline`` ``runs`` times each, interleaved (P B B P …).

    Interleaving spreads a noisy neighbour over both sides. ``before`` runs
    untimed before every timed call (resetting state). Returns the medians and
    every timing in seconds.
    """
    timings: dict[str, list[float]] = {"project": [], "baseline": []}
    for side in (["project", "baseline", "baseline", "project"] * runs)[: 2 * runs]:
        if before is not None:
            before()
        started = time.perf_counter()
        (project if side == "project" else baseline)()
        elapsed = time.perf_counter() - started
        timings[side].append(round(elapsed, 3))
        log(f"{side}: {elapsed:.3f} s")
    return median(timings["project"]), median(timings["baseline"]), timings


def ratio(
    project: float | None, baseline: float | None, *, higher_is_better: bool = False
) -> float | None:
    """How many times the baseline's cost the project pays."""
    if not project or not baseline:
        return None
    return round(baseline / project if higher_is_better else project / baseline, 2)


USER_COLUMNS = (
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "role",
    "language",
    "title",
)


def raw_insert_users(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    """The plain write: executemany on SQLite, COPY on PostgreSQL (each one's fastest)."""
    cols = ", ".join(USER_COLUMNS)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY org_user ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(USER_COLUMNS))
    cursor.executemany(f"INSERT INTO org_user ({cols}) VALUES ({marks})", rows)


def user_tuples(rows: list[dict[str, Any]], now_db: Any) -> list[tuple[Any, ...]]:
    return [
        (
            "!",
            None,
            False,
            r["username"],
            r["first_name"],
            r["last_name"],
            r["email"],
            False,
            True,
            now_db,
            r["role"],
            r["language"],
            r["title"],
        )
        for r in rows
    ]


# --- the HTTP harness (production server + keep-alive client threads) -----------------

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_server(
    port: int, data_dir: Path, *, workers: int = 2, worker: bool = False
) -> subprocess.Popen[bytes]:
    """``interlock serve`` (gunicorn, gthread) as a subprocess; waits for /healthz.

    ``worker``: the background worker runs beside it, as with ``make run``.
    """
    cmd = [
        sys.executable,
        "-m",
        "interlock.cli",
        "serve",
        *([] if worker else ["--no-worker"]),
        "--quiet",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
    ]
    log_file = (data_dir / "server.log").open("ab")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ), stdout=log_file, stderr=log_file)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"the server exited ({proc.returncode}); see {data_dir / 'server.log'}"
            )
        try:
            status, _body = http_get(port, "/healthz", {})
            if status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(proc)
    raise RuntimeError("the server did not answer /healthz within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def load(
    port: int,
    paths: Sequence[str],
    headers: dict[str, str],
    *,
    threads: int,
    per_thread: int,
    seconds: float,
) -> dict[str, Any]:
    """``threads`` keep-alive connections sending GETs; wrk when installed.

    With wrk (see ``bench/wrk.py``) the load comes from a compiled client that
    does not compete with the server for the cores; without it, from Python
    threads in this process (figures then carry ``"client": "python"``).

    Python client ``n`` sends up to ``per_thread`` GETs, cycling through
    ``paths`` from ``n`` (one path: all alike). Stops at ``seconds``. Returns requests, errors, p50/p99 in ms and
    requests per second; non-200 answers count as errors, not as latencies.
    """
    from bench.wrk import load_wrk, wrk_path

    if wrk_path() is not None and not os.environ.get("INTERLOCK_BENCH_PYTHON_CLIENT"):
        return load_wrk(port, paths, headers, connections=threads, seconds=seconds)
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    start_gate = threading.Barrier(threads + 1)
    deadline = [0.0]

    def client(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = latencies[slot]
        start_gate.wait()
        for number in range(per_thread):
            if time.perf_counter() > deadline[0]:
                break
            path = paths[(slot + number) % len(paths)]
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                errors[slot] += 1
        conn.close()

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    begun = time.perf_counter()
    deadline[0] = begun + seconds
    start_gate.wait()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - begun
    flat = sorted(x for per in latencies for x in per)
    if not flat:
        return {"requests": 0, "errors": sum(errors)}
    return {
        "requests": len(flat),
        "errors": sum(errors),
        "p50_ms": statistics.median(flat) * 1000,
        "p99_ms": flat[min(len(flat) - 1, int(len(flat) * 0.99))] * 1000,
        "rps": len(flat) / wall,
        "client": "python",
    }

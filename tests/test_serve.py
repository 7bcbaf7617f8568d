"""`interlock serve` starts the production server and the worker, and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="serves the embedded default; the SQLite run covers it",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("INTERLOCK_", "DATABASE_URL"))}
    return keep | {"INTERLOCK_DATA_DIR": str(tmp_path)}


def test_serve_answers_login_page_and_runs_the_worker(tmp_path: Path) -> None:
    env = _env(tmp_path)
    cli = [sys.executable, "-m", "interlock.cli"]
    subprocess.run([*cli, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=180)
    port = _free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=5
                ) as r:
                    body = r.read().decode()
                    headers = r.headers
                break
            except OSError:
                time.sleep(0.3)
        assert "csrfmiddlewaretoken" in body, "the login page was not served within 60 s"
        assert "Content-Security-Policy" in headers
        assert "gunicorn" in headers.get("Server", "").lower() or headers.get("Server") is None
        # The worker runs beside it: huey's consumer writes its queue file.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (tmp_path / "queue.sqlite3").exists():
            time.sleep(0.3)
        assert (tmp_path / "queue.sqlite3").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0, output
    assert "Interlock is serving on" in output

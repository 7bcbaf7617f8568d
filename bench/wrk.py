"""Load from wrk, a compiled load generator in its own process.

The Python client threads in ``common.load`` compete with the server for the
two cores and for their own GIL, so their latencies include the client's
queueing: even the raw baseline view showed a p99 of 60–90 ms that way. wrk
(Debian package ``wrk``; ``make bench`` installs it where it can) needs a
fraction of one core, so its percentiles are the server's.

``load_wrk`` cycles through ``paths`` (one Lua state per wrk thread, each
starting at its own offset) and reads the figures back from a JSON line that
the script's ``done`` hook prints.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

MARK = "WRK-RESULT "

_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
local offset = 0
local thread_no = 0
setup = function(thread)
  thread:set("offset", thread_no)
  thread_no = thread_no + 1
end
request = function()
  counter = counter + 1
  local path = paths[((counter + offset) %% #paths) + 1]
  return wrk.format("GET", path)
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


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_wrk(
    port: int,
    paths: Sequence[str],
    headers: dict[str, str],
    *,
    connections: int,
    seconds: float,
    threads: int = 2,
) -> dict[str, Any]:
    """``connections`` keep-alive connections for ``seconds``; same keys as ``common.load``."""
    script = _SCRIPT % {"paths": ", ".join(_lua_string(p) for p in paths), "mark": MARK}
    return run_wrk(script, port, headers, connections=connections, seconds=seconds, threads=threads)


def run_wrk(
    script: str,
    port: int,
    headers: dict[str, str],
    *,
    connections: int,
    seconds: float,
    threads: int = 2,
) -> dict[str, Any]:
    """Run wrk with a Lua ``script`` whose ``done`` hook prints the MARK line; its figures."""
    binary = wrk_path()
    if binary is None:
        raise RuntimeError("wrk is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        lua = Path(tmp) / "load.lua"
        lua.write_text(script, encoding="utf-8")
        cmd = [binary, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
        cmd += ["--timeout", "30s", "-s", str(lua)]
        for name, value in headers.items():
            cmd += ["-H", f"{name}: {value}"]
        cmd.append(f"http://127.0.0.1:{port}/")
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[:300]}")
    data = json.loads(line[len(MARK) :])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    ok = data["requests"] - data["status"]
    seconds_run = data["duration_us"] / 1e6
    return {
        "requests": ok,
        "errors": errors,
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "rps": ok / seconds_run if seconds_run else 0.0,
        "client": "wrk",
    }

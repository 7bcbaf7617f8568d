"""One benchmark in its own process: ``python -m bench.child NAME [--quick] [--runs N]``.

The environment (set by bench.runner) points at a fresh database; this
process migrates it, runs the benchmark and prints one ``BENCH-RESULT`` line.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from typing import Any

import django


def log(message: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}]   {message}\n")
    sys.stderr.flush()


def prepare_database() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    django.setup()
    prepare_database()
    from bench.runner import BENCHMARKS

    if args.name not in BENCHMARKS:
        raise SystemExit(f"unknown benchmark {args.name}")
    module = importlib.import_module(f"bench.{args.name}")
    results: list[dict[str, Any]] = module.run(quick=args.quick, runs=args.runs)
    sys.stdout.write("BENCH-RESULT " + json.dumps(results) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

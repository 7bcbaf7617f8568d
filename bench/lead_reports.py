"""Benchmark lead_reports (being written)."""

from __future__ import annotations

from typing import Any


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    return [
        {
            "benchmark": "lead_reports",
            "metric": "not written yet",
            "project": None,
            "baseline": None,
            "ratio": None,
        }
    ]

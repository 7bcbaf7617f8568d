"""Benchmarks behind ``make bench`` (``python -m bench``); see docs/benchmarks.md."""

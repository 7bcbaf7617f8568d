"""Batch pacing: sizes stay within bounds and follow the write budget."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from interlock.core.pacing import Pace


@given(
    start=st.integers(-5, 500),
    least=st.integers(1, 10),
    most=st.integers(1, 1000),
    batches=st.lists(
        st.tuples(st.integers(-1, 500), st.floats(-1, 5, allow_nan=False)), max_size=20
    ),
)
def test_size_stays_within_bounds_and_grows_at_most_twofold(
    start: int, least: int, most: int, batches: list[tuple[int, float]]
) -> None:
    pace = Pace(start=start, most=most, least=least)
    for count, seconds in batches:
        before = pace.size()
        pace.took(count, seconds)
        assert max(least, 1) <= pace.size() <= max(least, most, 1)
        assert pace.size() <= max(before * 2, least)


def test_size_follows_the_cost_per_item(settings: Any) -> None:
    settings.WRITE_BUDGET_MS = 20
    settings.WRITE_BUDGET_ALONE_MS = 1  # never below the shared budget: 20 ms here too
    pace = Pace(start=10, most=1000)
    pace.took(10, 0.010)  # 1 ms each: 20 fit; grows twofold at most
    assert pace.size() == 20
    pace.took(20, 0.020)
    assert pace.size() == 20
    pace.took(20, 0.200)  # one batch ten times slower: the average is 5.5 ms
    assert pace.size() == 3
    pace.took(3, 0.003)  # fast again: 3.25 ms on average
    assert pace.size() == 6
    pace.took(0, 1.0)  # nothing learnt from an empty batch
    assert pace.size() == 6


def test_never_below_the_least(settings: Any) -> None:
    settings.WRITE_BUDGET_MS = 1
    settings.WRITE_BUDGET_ALONE_MS = 1
    pace = Pace(start=10, most=100, least=5)
    pace.took(10, 1.0)
    assert pace.size() == 5


def test_alone_the_budget_is_longer(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    import time

    from interlock.core.sqlite import base
    from interlock.core.sqlite.base import writer_lock

    monkeypatch.setattr(base, "_locks", {})  # only this test's lock file

    settings.WRITE_BUDGET_MS = 20
    settings.WRITE_BUDGET_ALONE_MS = 100
    lock = writer_lock(str(tmp_path / "db-writer.lock"))
    lock.contended_at = -1e9
    pace = Pace(start=100, most=1000)
    pace.took(100, 0.100)  # 1 ms each, nobody else writing: 100 fit
    assert pace.size() == 100
    lock.contended_at = time.monotonic()  # another process held the lock just now
    pace.took(100, 0.100)
    assert pace.size() == 20
    lock.contended_at = -1e9

"""Batch sizes that keep each write transaction near a time budget.

Background work (capture processing, event delivery) writes in batches: big
batches amortise the per-transaction cost, but on SQLite every other writer,
a web request among them, waits while one runs. :class:`Pace` sizes the next
batch from the time per item of the batches before (a moving average, so one
slow batch does not shrink the next ones to nothing), so a transaction lasts
about ``INTERLOCK_WRITE_BUDGET_MS`` (8 ms) whatever the machine — while
others write too. A process that has found SQLite's write lock free for a
second (a backlog worked off after a burst; PostgreSQL, which has no such
lock) sizes to ``INTERLOCK_WRITE_BUDGET_ALONE_MS`` (100 ms): fewer, larger
transactions, each with its fixed cost once.
"""

from __future__ import annotations

from django.conf import settings

from interlock.core.sqlite.base import others_writing


def budget_ms() -> int:
    """The write budget now: short while others are writing, longer alone."""
    if others_writing():
        return int(settings.WRITE_BUDGET_MS)
    return max(int(settings.WRITE_BUDGET_MS), int(settings.WRITE_BUDGET_ALONE_MS))


class Pace:
    def __init__(self, *, start: int, most: int, least: int = 1) -> None:
        self.least = max(1, least)
        self.most = max(self.least, most)
        self.current = min(max(start, self.least), self.most)
        self.per_item: float | None = None  # seconds, moving average

    def size(self) -> int:
        return self.current

    def took(self, count: int, seconds: float) -> None:
        """Learn from a batch of ``count`` items that took ``seconds``."""
        if count <= 0 or seconds <= 0:
            return
        per_item = max(seconds / count, 1e-9)
        self.per_item = per_item if self.per_item is None else (self.per_item + per_item) / 2
        fitting = int(budget_ms() / 1000 / self.per_item)
        # Grow at most twofold per batch; shrink to what fits.
        self.current = min(max(fitting, self.least), self.most, max(self.current * 2, 1))

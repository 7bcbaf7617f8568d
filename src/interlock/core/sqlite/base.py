"""Django's SQLite backend, with the writers of all processes queued on a file lock.

SQLite lets one connection write at a time. A second writer is held off by
SQLite's busy handler, which sleeps in growing steps (1, 2, 5 … 100 ms) and
leaves the lock idle in between: under load a 1 ms INSERT waits tens of
milliseconds, and a web request queued behind the background worker waits
hundreds. Here every write transaction first takes an exclusive lock on a
file beside the database (``<name>-writer.lock``): threads of one process
queue on a mutex, processes on ``flock``; the lock is released when the
transaction commits or rolls back, so the next writer starts at once.

What counts as a write: a transaction (Django's ``atomic`` begins one
``IMMEDIATE``, which takes SQLite's write lock at ``BEGIN``) and, in
autocommit mode, any statement that is not a read (``SELECT``, ``WITH``,
``PRAGMA``, ``EXPLAIN``, ``VALUES``). Readers never wait: WAL lets them read
beside the writer. In-memory databases (the tests) have one process and no
file, and skip the lock. A writer that cannot get the lock within the
connection's ``timeout`` (5 s) fails as SQLite would: "database is locked".

The background worker calls :func:`yield_to_requests`: after each of its
write transactions it leaves the lock free for a moment, so a web request
waiting for it gets it before the worker's next batch does (the lock is not
fair by itself: the process that just let go would usually win it again).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from typing import Any

from django.db.backends.sqlite3 import base

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's busy handler alone
    fcntl = None  # type: ignore[assignment]

_READS = ("SELECT", "WITH", "PRAGMA", "EXPLAIN", "VALUES")
_CONTENDED_FOR = 1.0  # seconds a busy lock counts as "others are writing"
_SIGNAL_EVERY = 0.05  # seconds between two "I waited" marks of one process
_QUIET_FOR = 2.0  # seconds without anyone waiting before a process counts as alone


class _Background:
    """How a background process (the worker) shares the lock; off elsewhere."""

    pause = 0.0  # seconds the lock stays free after each of its transactions
    share = 1.0  # the most of the lock's time it takes while others write


def yield_to_requests(pause: float = 0.002, share: float = 0.05) -> None:
    """This process writes in the background: others go first.

    After each of its transactions the lock stays free for ``pause`` if
    another process waited for it in the last second; while other processes
    have been writing in the last second (the lock was busy when it asked),
    it also rests as long as it held the lock times ``(1 - share) / share``,
    so it takes at most ``share`` of the write time. Alone it writes at full
    speed, without pauses.
    """
    _Background.pause = pause
    _Background.share = min(1.0, max(0.05, share))


class WriterLock:
    """One writer at a time per database file: a mutex in the process, ``flock`` across."""

    def __init__(self, path: str, *, paced: bool = True) -> None:
        self.path = path
        self.paced = paced  # counts for others_writing (the worker's pace)
        self._reset()

    def _reset(self) -> None:
        self.mutex = threading.Lock()
        self.handle: Any = None
        self.acquired_at = 0.0
        self.rest_until = 0.0
        self.contended_at = -1e9

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self.mutex.acquire(timeout=timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            wait = self.rest_until - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, 0.1))  # a waiting web request takes the lock meanwhile
            if self.handle is None:
                self.handle = open(self.path, "a+b")  # noqa: SIM115  (kept for the process)
            pause = 0.0001
            while True:
                try:
                    fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    self.acquired_at = time.monotonic()
                    return
                except BlockingIOError:
                    now = time.monotonic()
                    if now - self.contended_at > _SIGNAL_EVERY:
                        # Tell the holder (it cannot see who waits): the lock
                        # file's time is "someone waited for the lock".
                        os.utime(self.handle.fileno())
                    self.contended_at = now
                    if now >= deadline:
                        raise sqlite3.OperationalError("database is locked") from None
                    time.sleep(pause)  # another process writes; it holds the lock briefly
                    pause = min(pause * 2, 0.0005)
        except BaseException:
            self.mutex.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
        finally:
            now = time.monotonic()
            rest = 0.0
            if _Background.pause and now - self.contended_at < _CONTENDED_FOR:
                held = now - self.acquired_at
                rest = _Background.pause + held * (1 - _Background.share) / _Background.share
            elif _Background.pause and self._waited_for():
                rest = _Background.pause  # someone waits: the lock stays free for them
            self.rest_until = now + rest
            self.mutex.release()

    def _waited_for(self) -> bool:
        """Whether another process waited for this lock in the last second (its file's time)."""
        try:
            touched = os.fstat(self.handle.fileno()).st_mtime
        except (OSError, AttributeError, ValueError):
            return True
        return time.time() - touched < _CONTENDED_FOR


_locks: dict[str, WriterLock] = {}
_locks_guard = threading.Lock()


def writer_lock(path: str, *, paced: bool = True) -> WriterLock:
    """The lock of one file; ``paced`` false: waits for it do not slow the worker down."""
    with _locks_guard:
        lock = _locks.get(path)
        if lock is None:
            lock = _locks[path] = WriterLock(path, paced=paced)
        return lock


def others_writing() -> bool:
    """Whether others write too: in the last seconds this process or another had to wait.

    A process learns that others wait for *its* transactions only from the
    lock file's modification time, which a waiting process sets.
    """
    now, wall = time.monotonic(), time.time()
    with _locks_guard:
        for lock in _locks.values():
            if not lock.paced:
                continue
            if now - lock.contended_at < _QUIET_FOR:
                return True
            if (
                lock.handle is not None
                and wall - os.fstat(lock.handle.fileno()).st_mtime < _QUIET_FOR
            ):
                return True
    return False


def _after_fork() -> None:
    # A child must not share its parent's open lock file (flock would not
    # exclude them from each other) nor inherit a mutex held by a parent thread.
    for lock in _locks.values():
        lock._reset()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)


def is_read(sql: str) -> bool:
    return sql.lstrip()[:7].upper().startswith(_READS)


class DatabaseWrapper(base.DatabaseWrapper):
    writer: WriterLock | None = None
    holds_writer = False

    def get_new_connection(self, conn_params: Any) -> Any:
        # Decided per connection: the test runner renames the database after
        # the wrapper is made (to an in-memory one).
        self.leave_writer()
        name = self.settings_dict.get("NAME")
        self.writer = None
        if fcntl is not None and isinstance(name, str) and not self.is_in_memory_db():
            self.writer = writer_lock(f"{name}-writer.lock")
        self.writer_timeout = float(conn_params.get("timeout", 5))
        return super().get_new_connection(conn_params)

    def take_writer(self) -> None:
        if self.writer is not None and not self.holds_writer:
            self.writer.acquire(self.writer_timeout)
            self.holds_writer = True

    def leave_writer(self) -> None:
        if self.holds_writer:
            self.holds_writer = False
            assert self.writer is not None
            self.writer.release()

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.db = self
        return cursor

    def _start_transaction_under_autocommit(self) -> None:
        self.take_writer()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self.leave_writer()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._leave_unless_in_transaction()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_unless_in_transaction()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self.leave_writer()

    def _leave_unless_in_transaction(self) -> None:
        if self.connection is None or not self.connection.in_transaction:
            self.leave_writer()


class QueuedCursor(base.SQLiteCursorWrapper):
    """Takes the writer lock for a write statement outside a transaction."""

    db: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        if self.db.holds_writer or self.db.writer is None or is_read(query):
            return super().execute(query, params)
        self.db.take_writer()
        try:
            return super().execute(query, params)
        finally:
            self.db._leave_unless_in_transaction()

    def executemany(self, query: str, param_list: Any) -> Any:
        if self.db.holds_writer or self.db.writer is None:
            return super().executemany(query, param_list)
        self.db.take_writer()
        try:
            return super().executemany(query, param_list)
        finally:
            self.db._leave_unless_in_transaction()

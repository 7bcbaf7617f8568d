"""The embedded backend queues writers on a lock file; readers never wait."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from interlock.core.sqlite.base import is_read


def _handler(path: Path) -> ConnectionHandler:
    return ConnectionHandler(
        {
            "default": {
                "ENGINE": "interlock.core.sqlite",
                "NAME": str(path),
                "OPTIONS": {
                    "timeout": 0.3,
                    "transaction_mode": "IMMEDIATE",
                    "init_command": "PRAGMA journal_mode=WAL;",
                },
            }
        }
    )


@pytest.fixture(autouse=True)
def own_connections(django_db_blocker: Any) -> Any:
    """These tests open their own file databases, not the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "queued.sqlite3"
    handler = _handler(path)
    with handler["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    handler.close_all()
    return path


def _in_thread(fn: Any) -> Any:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except Exception as exc:
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    if "error" in box:
        raise box["error"]
    return box.get("value")


def test_a_transaction_holds_the_writer_lock_until_commit(db_file: Path) -> None:
    handler = _handler(db_file)
    db = handler["default"]

    def other_write() -> int:
        other = _handler(db_file)["default"]
        try:
            with other.cursor() as cursor:
                cursor.execute("INSERT INTO t (v) VALUES ('other')")
            return 1
        finally:
            other.close()

    def other_read() -> int:
        other = _handler(db_file)["default"]
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t")
                return int(cursor.fetchone()[0])
        finally:
            other.close()

    with _atomic(db):
        assert db.holds_writer
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('mine')")
        with pytest.raises(OperationalError, match="database is locked"):
            _in_thread(other_write)  # waits its 0.3 s, then gives up as SQLite would
        assert _in_thread(other_read) == 0  # readers never wait (and see the last commit)
    assert not db.holds_writer
    assert _in_thread(other_write) == 1
    with db.cursor() as cursor:
        cursor.execute("SELECT v FROM t ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["mine", "other"]
    handler.close_all()


class _atomic:
    """``transaction.atomic`` on a connection outside django.db.connections."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if kind is None:
            self.db.commit()
        else:
            self.db.rollback()
        self.db.set_autocommit(True)


def test_rollback_and_close_let_go(db_file: Path) -> None:
    db = _handler(db_file)["default"]
    with pytest.raises(RuntimeError), _atomic(db):
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('lost')")
        raise RuntimeError("changed my mind")
    assert not db.holds_writer
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert db.holds_writer
    db.close()
    assert not db.holds_writer
    again = _handler(db_file)["default"]
    with again.cursor() as cursor:  # nobody holds the lock: this write goes through
        cursor.execute("INSERT INTO t (v) VALUES ('kept')")
        cursor.execute("SELECT v FROM t")
        assert [row[0] for row in cursor.fetchall()] == ["kept"]
    again.close()


def test_autocommit_writes_take_and_release_the_lock(db_file: Path) -> None:
    db = _handler(db_file)["default"]
    with db.cursor() as cursor:
        cursor.executemany("INSERT INTO t (v) VALUES (%s)", [("a",), ("b",)])
        assert not db.holds_writer
        cursor.execute("UPDATE t SET v = 'c' WHERE v = 'a'")
        assert not db.holds_writer
    db.close()


def test_another_process_holding_the_lock_keeps_writers_out(db_file: Path) -> None:
    lock_path = f"{db_file}-writer.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"f = open({lock_path!r}, 'a+b')\n"
            "fcntl.flock(f, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        db = _handler(db_file)["default"]
        with pytest.raises(OperationalError, match="database is locked"), db.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('x')")
        assert not db.holds_writer
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(10)
        with db.cursor() as cursor:
            cursor.execute("INSERT INTO t (v) VALUES ('y')")
        db.close()
    finally:
        holder.kill()


def test_in_memory_databases_skip_the_lock() -> None:
    handler = ConnectionHandler(
        {"default": {"ENGINE": "interlock.core.sqlite", "NAME": ":memory:"}}
    )
    db = handler["default"]
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        cursor.execute("INSERT INTO t DEFAULT VALUES")
    assert db.writer is None and not db.holds_writer
    db.close()


@pytest.mark.parametrize(
    ("sql", "read"),
    [
        ("SELECT 1", True),
        ("  with x as (select 1) select * from x", True),
        ("PRAGMA table_info(t)", True),
        ("EXPLAIN QUERY PLAN SELECT 1", True),
        ("INSERT INTO t VALUES (1)", False),
        ("\nupdate t set v = 1", False),
        ("DELETE FROM t", False),
        ("CREATE TABLE u (id)", False),
        ("BEGIN IMMEDIATE", False),
    ],
)
def test_what_counts_as_a_read(sql: str, read: bool) -> None:
    assert is_read(sql) is read


@pytest.fixture
def background() -> Any:
    """This process writes as the worker does; restored afterwards."""
    from interlock.core.sqlite.base import _Background

    saved = (_Background.pause, _Background.share)
    yield _Background
    _Background.pause, _Background.share = saved


def test_the_worker_rests_nineteen_times_what_it_held_while_others_write(
    db_file: Path, background: Any
) -> None:
    import os
    import time

    from interlock.core.sqlite.base import WriterLock, yield_to_requests

    yield_to_requests()  # the defaults: 2 ms pause, a twentieth of the write time
    assert background.share == pytest.approx(0.05)
    lock = WriterLock(f"{db_file}-writer.lock")
    lock.acquire(1.0)
    lock.contended_at = time.monotonic()  # a web request asked meanwhile
    time.sleep(0.02)
    lock.release()
    rest = lock.rest_until - time.monotonic()
    assert 0.3 < rest < 0.9  # 19 × ~20 ms
    # Nobody else wrote in the last second: only the 2 ms pause, if someone
    # waited for this lock (its file's time says so), else none.
    quiet = WriterLock(f"{db_file}-writer.lock")
    quiet.acquire(1.0)
    time.sleep(0.02)
    os.utime(f"{db_file}-writer.lock")
    quiet.release()
    assert 0.0005 < quiet.rest_until - time.monotonic() <= 0.002
    alone = WriterLock(f"{db_file}-writer.lock")
    alone.acquire(1.0)
    long_ago = time.time() - 60
    os.utime(f"{db_file}-writer.lock", (long_ago, long_ago))
    alone.release()
    assert alone.rest_until <= time.monotonic()


def test_the_write_share_is_kept_within_bounds(background: Any) -> None:
    from interlock.core.sqlite.base import yield_to_requests

    yield_to_requests(share=0.0)
    assert background.share == pytest.approx(0.05)
    yield_to_requests(share=3)
    assert background.share == 1.0


def test_the_holder_learns_that_someone_waited(tmp_path: Path, monkeypatch: Any) -> None:
    import os
    import sqlite3
    import time

    from interlock.core.sqlite import base
    from interlock.core.sqlite.base import WriterLock, others_writing, writer_lock

    monkeypatch.setattr(base, "_locks", {})  # only this test's lock file

    path = str(tmp_path / "waited-writer.lock")
    holder = writer_lock(path)
    holder.acquire(1.0)
    long_ago = time.time() - 60
    os.utime(path, (long_ago, long_ago))
    assert not others_writing()
    waiter = WriterLock(path)  # another open file: flock keeps it out like another process
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        waiter.acquire(0.05)
    assert others_writing()  # the holder itself never waited
    holder.release()
    holder.contended_at = waiter.contended_at = -1e9
    os.utime(path, (long_ago, long_ago))
    assert not others_writing()

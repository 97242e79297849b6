"""Floors for the store's reads (issue 14): the SQL a service runs, replayed with plain
cursors on the encrypted store and on a plain (unencrypted) copy of it, timed interleaved.

A service's "own SQL" is captured while it runs (SQLAlchemy's before_cursor_execute gives
the statements and their DB-API parameters, already converted), so the floor is exactly
the queries the service made, fetched whole, with no conversion of the rows.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import event

from caredesk.services.workspace import Workspace
from caredesk.store.engine import cache_kib

Statement = tuple[str, Any]


def captured_sql(ws: Workspace, run: Callable[[], object]) -> list[Statement]:
    """The SELECTs (with their parameters) `run` sends to the store, in order."""
    engine = ws.store._engine
    seen: list[Statement] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert seen, "nothing was read"
    return seen


def _exported(ws: Workspace, dest: Path, key: str) -> Path:
    """The open store exported into `dest` with sqlcipher_export under the attach KEY clause `key`."""
    if dest.exists():
        return dest
    raw = ws.store._engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        conn.execute(f"ATTACH DATABASE '{dest}' AS exported KEY {key}")
        conn.execute("SELECT sqlcipher_export('exported')")
        conn.execute("DETACH DATABASE exported")
    finally:
        raw.close()
    return dest


def _opened(path: Path, key: str | None = None) -> sqlcipher.Connection:
    """A connection through the same SQLite build, its page cache sized as the store sizes its own
    (`engine.cache_kib`)."""
    conn = sqlcipher.connect(str(path), check_same_thread=False)
    conn.isolation_level = None
    if key is not None:
        conn.execute(f"PRAGMA key = {key}")
    conn.execute(f"PRAGMA cache_size = -{cache_kib(path)}")
    return conn


def plain_copy(ws: Workspace, dest: Path) -> Path:
    """An unencrypted copy of the open store (sqlcipher_export into a database attached with
    an empty key, SQLCipher's documented way to decrypt a store)."""
    return _exported(ws, dest, "''")


def open_plain(path: Path) -> sqlcipher.Connection:
    """The plain copy, no key, so only the encryption (and the layout: see `compacted_copy`)
    differs from the store."""
    return _opened(path)


COPY_KEY = "\"x'" + "ab" * 32 + "'\""  # a throwaway raw key for the bench's encrypted copy, never a store's


def compacted_copy(ws: Workspace, dest: Path) -> Path:
    """An encrypted copy of the open store laid out as `plain_copy` lays out its plain one
    (sqlcipher_export rewrites every table and index in order, leaving full pages), under
    COPY_KEY. The store itself grew row by row: its indexes' pages are part-full and out of
    order, so a scan of it walks more pages than the same scan of a fresh copy, encrypted or
    not. This copy against the plain one is the encryption's own cost."""
    return _exported(ws, dest, COPY_KEY)


def open_compacted(path: Path) -> sqlcipher.Connection:
    """`compacted_copy`'s file, keyed."""
    return _opened(path, COPY_KEY)


def replay(conn: Any, statements: list[Statement]) -> int:
    """Run each statement in one read transaction and fetch every row; the row count."""
    n = 0
    conn.execute("BEGIN")
    try:
        for sql, params in statements:
            n += len(conn.execute(sql, params).fetchall())
    finally:
        conn.execute("ROLLBACK")
    return n


def interleaved(
    sides: dict[str, Callable[[], object]], rounds: int, clock: Callable[[], float] = time.perf_counter
) -> dict[str, float]:
    """Median seconds of each side after one warm-up round of each, the order reversed every
    round (A, B, B, A, A, B...) so that neither side always runs right after the other.
    `clock`: wall time by default; `time.thread_time` counts only this thread's CPU, the work
    itself when the machine is shared (for single-threaded reads of pages already cached)."""
    times: dict[str, list[float]] = {k: [] for k in sides}
    order = list(sides.items())
    for _ in range(rounds + 1):
        order.reverse()
        for name, run in order:
            start = clock()
            run()
            times[name].append(clock() - start)
    return {k: statistics.median(v[1:]) for k, v in times.items()}


def report(benchmark: Any, title: str, medians: dict[str, float], floor: str) -> dict[str, float]:
    """Medians in ms and each side's ratio to `floor`, in extra_info and on stdout (-s)."""
    out: dict[str, float] = {}
    for name, s in medians.items():
        out[f"{name}_ms"] = round(s * 1000, 2)
        if name != floor:
            out[f"{name}_ratio"] = round(s / medians[floor], 2)
    benchmark.extra_info.update(out)
    print(f"\n{title}: " + ", ".join(f"{k} {v}" for k, v in out.items()))
    return out

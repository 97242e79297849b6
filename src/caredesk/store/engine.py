"""The SQLCipher connection: raw key, key check, pragmas.

The stock sqlite+pysqlcipher URL interpolates the passphrase into a PRAGMA unescaped and
never checks the key, so connections are made here: key first, then proof that the key
opens the file, then the pragmas.

The data key: an unlocked store keeps it in one bytearray (store/vault.py OpenStore), and
the engine's connection creator holds that same buffer, not a copy, so zeroing it on lock
leaves nothing here that can key a new connection. Each connection makes a short-lived
immutable copy (the hex text of the PRAGMA, kept in the connection's statement cache until
it closes) that Python cannot wipe; SQLCipher keeps its own copy of the key per connection
and wipes it itself when the connection closes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, QueuePool
from sqlalchemy.util import LRUCache

from caredesk.errors import DiskFull, StoreError, WrongSecret
from caredesk.store import faults
from caredesk.store.commit_watch import CommitWatch, WatchedConnection

READ_ONLY = "caredesk_read_only"  # execution option: begin a deferred (read) transaction
BUSY_TIMEOUT_S = 10  # how long a writer waits for another's write lock before StoreBusy
# The page cache holds decrypted pages: a page not in it is read, HMAC-checked and decrypted
# again. SQLCipher's default (8 MB) is a ninth of a 2,000-patient store (69 MB), so the queue's
# reads decrypted most pages on every build (issue 14: 1.9x plain SQLite). Sized to the store,
# capped so resident memory stays within its budget (< 300 MB at 2,000 patients).
CACHE_MIN_KIB = 8_000
CACHE_MAX_KIB = 64 * 1024
CACHE_AT_CONNECT = -1  # record.info has no size yet: set once more at the first checkout


Key = bytes | bytearray  # a bytearray when it must be wiped later (OpenStore's buffer)


class StoreDialect(SQLiteDialect_pysqlite):
    """SQLAlchemy's SQLite dialect (pysqlite, here over sqlcipher3), whose instances are all equal.

    SQLAlchemy caches each statement it compiles under a key that holds the dialect object, and
    every engine makes a dialect of its own: a store opened again (an unlock after a lock, and
    every test's own store) compiled each statement again, ~0.5-2 ms each (~45 ms of CPU for the
    ~50 statements of an unlock's queue, patient list and month report). Every engine here is
    made by open_engine with the same options over the same sqlcipher3, so its dialect is alike
    in all a compiled statement depends on; equal, they share COMPILED's entries."""

    supports_statement_cache = True

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


registry.register("sqlite.caredesk", __name__, "StoreDialect")

# The compiled statements of every store's engine (SQLAlchemy's cache, one for the process
# instead of one per engine; the size of an engine's own). A compiled statement keeps the
# values it was first compiled with (a patient id, a name searched for, a note typed), so it is
# emptied when a store closes (caredesk.store.vault): no patient data outlives the lock in it.
COMPILED: LRUCache[Any, Any] = LRUCache(500)
# Tests only (tests/conftest.py): keep them across locks. Each test opens a store of its own, and
# compiling every statement again for each was ~20% of the services tests' CPU.
KEEP_COMPILED_ACROSS_LOCKS = False


def cache_kib(path: Path) -> int:
    """The page cache for a store of this size: its file and WAL, plus an eighth for growth,
    between SQLCipher's default and CACHE_MAX_KIB. Memory is taken only as pages are read."""
    size = 0
    for f in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(OSError):  # no WAL yet, or not readable: counts nothing
            size += f.stat().st_size
    return max(CACHE_MIN_KIB, min(CACHE_MAX_KIB, (size + size // 8) // 1024))


def _connect(path: Path, key: Key, *, read_only: bool = False, alone: bool = False) -> sqlcipher.Connection:
    """`alone`: EXCLUSIVE locking mode, set before the first read, so SQLite keeps the WAL index
    in this process's memory and never needs the -shm file: a full disk cannot even grow that
    file, and every unlock, read and backup failed "The disk is full" (issue 11). The price is
    that no other connection may use the store while this one is open (see open_engine)."""
    if not any(key):  # the buffer was wiped: the store was locked (a random key is never all zeros)
        raise StoreError("The store is locked.")
    # WatchedConnection: a pooled connection reports its commits to the engine's CommitWatch.
    conn = sqlcipher.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_S, factory=WatchedConnection)
    try:
        # SQLCipher logs to stderr by default; our own messages say what went wrong.
        conn.execute("PRAGMA cipher_log_level = NONE")
        # The key is our own 32 random bytes in hex: nothing to escape.
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        if alone:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise StoreError("This SQLite has no SQLCipher: the store cannot be encrypted.")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as exc:
            # A wrong key reads as "not a database"; a full disk or a busy store must not.
            raise faults.from_sqlite(exc, path.parent) or WrongSecret(
                "The data key does not open this store."
            ) from None
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA temp_store = MEMORY")
        # Caching decrypted pages in this process changes nothing on disk: every page written
        # is still encrypted and HMAC'd, and the key and KDF are untouched. SQLCipher's
        # cipher_memory_security stays at its default (OFF since 4.5.0): it only wipes freed
        # memory, and it never guarded these pages, which live in the cache either way.
        conn.execute(f"PRAGMA cache_size = -{cache_kib(path)}")  # again at each checkout (open_engine)
        if read_only:  # SQLite itself refuses any write on this connection
            conn.execute("PRAGMA query_only = ON")
    except sqlcipher.Error as exc:
        conn.close()
        known = faults.from_sqlite(exc, path.parent)
        if known is None:
            raise
        raise known from None
    except BaseException:
        conn.close()
        raise
    return conn


def _connect_on_any_disk(path: Path, key: Key, *, read_only: bool = False) -> tuple[sqlcipher.Connection, bool]:
    """A connection, and whether it had to be `alone` because the disk is full: one that can
    read a store on a full disk (to show it, check it and back it up elsewhere); writing
    through it then fails with DiskFull as any write does."""
    try:
        return _connect(path, key, read_only=read_only), False
    except DiskFull:
        return _connect(path, key, read_only=read_only, alone=True), True


def connect_watcher(path: Path, key: Key) -> sqlcipher.Connection:
    """A keyed, read-only connection outside the pool for CommitWatch (never `alone`: it opens
    only beside a pool that is not, and a full disk's exclusive lock would keep it waiting)."""
    return _connect(path, key, read_only=True)


def connect(path: Path, key: Key) -> sqlcipher.Connection:
    """One keyed, checked connection outside the engine's pool (the online backup reads through it).
    Raises WrongSecret when the key does not open the file."""
    return _connect_on_any_disk(path, key)[0]


def open_engine(path: Path, key: Key, *, read_only: bool = False, watch: CommitWatch | None = None) -> Engine:
    """An engine whose every connection is keyed and checked. Raises WrongSecret early.
    `read_only`: every connection refuses writes (PRAGMA query_only) and no transaction takes
    the write lock, so checking a store (caredesk verify) writes nothing and waits for nobody.

    The engine keeps `key` itself: once a bytearray key is zeroed, every new connection is
    refused with StoreError("The store is locked.").

    On a full disk the -shm file cannot be made, so every connection is made `alone` (see
    _connect) and none is kept open between units of work (NullPool): each holds the store
    only while it works, so the next one, or the backup's own connection, can open it.

    `watch`: told of every commit that wrote on the engine's connections, so the app can tell
    other processes' commits from its own (caredesk.store.commit_watch); not on a full disk,
    where no second connection could read beside the pool's."""
    first, full = _connect_on_any_disk(path, key, read_only=read_only)  # fail here, not at first use
    first.close()
    # LIFO: the connection used last, whose page cache is warm, serves the next unit of work;
    # a second one is opened only while two work at once.
    pooling: dict[str, Any] = (
        {"poolclass": NullPool}
        if full
        else {"poolclass": QueuePool, "pool_size": 2, "max_overflow": 2, "pool_use_lifo": True}
    )

    def pooled() -> sqlcipher.Connection:
        conn = _connect(path, key, read_only=read_only, alone=full)
        conn.watch = None if full else watch
        return conn

    engine = create_engine(
        "sqlite+caredesk://",  # StoreDialect
        module=sqlcipher,
        query_cache_size=0,  # no cache of the engine's own: COMPILED
        execution_options={"compiled_cache": COMPILED},
        creator=pooled,
        hide_parameters=True,  # values never reach logs or exception text
        **pooling,
    )

    # pysqlite's own transaction handling defers BEGIN; emit it ourselves so reads
    # inside a unit of work see one snapshot (SQLAlchemy's documented recipe).
    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_conn: sqlcipher.Connection, _record: ConnectionPoolEntry) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "checkout")
    def _cache_fits_the_store(dbapi_conn: sqlcipher.Connection, record: ConnectionPoolEntry, _proxy: object) -> None:
        # A pooled connection outlives the size it was made at: a new store filled by an import
        # or a demo panel kept SQLCipher's 8 MB (the queue's reads 2.1x plain, measured). A stat
        # per checkout re-sizes it when the store has grown or shrunk.
        kib = cache_kib(path)
        if record.info.get("cache_kib", CACHE_AT_CONNECT) != kib:
            dbapi_conn.execute(f"PRAGMA cache_size = -{kib}")
        record.info["cache_kib"] = kib

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A unit of work that may write takes the write lock first (BEGIN IMMEDIATE): a deferred
        # transaction that reads, then writes after another process committed, fails at once
        # with SQLITE_BUSY (its snapshot is stale) instead of waiting on the busy timeout. Two
        # CLI commands at once failed that way. Pure reads (READ_ONLY) never block a writer.
        reading = read_only or conn.get_execution_options().get(READ_ONLY)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


CHECKPOINT_WAIT_MS = 1000  # a reader in another process may hold the checkpoint up this long on lock


def checkpoint(engine: Engine) -> None:
    """Copy every committed change from caredesk.db-wal into caredesk.db and empty the WAL
    (PRAGMA wal_checkpoint(TRUNCATE)), so the two files are the whole store once it is locked.
    SQLite does this itself when the last connection closes, but not while another process
    still has the store open, and a copy of caredesk.db then held none of the newest changes
    (issue 11). Best effort: a reader in the middle of a read or a full disk leaves the WAL,
    which is still part of the store (SQLite replays it at the next open)."""
    try:
        raw = engine.raw_connection()
    except Exception:
        return
    try:
        conn = raw.driver_connection
        assert conn is not None
        conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except (sqlcipher.Error, MemoryError):
        pass
    finally:
        raw.close()

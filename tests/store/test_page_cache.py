"""The page cache is sized to the store (issue 14): a store bigger than SQLCipher's 8 MB
default was decrypted again on every read."""

from __future__ import annotations

from pathlib import Path

from caredesk.store.engine import CACHE_MAX_KIB, CACHE_MIN_KIB, cache_kib


def test_a_small_store_keeps_the_default_cache(tmp_path: Path):
    db = tmp_path / "caredesk.db"
    db.write_bytes(b"\0" * 4096)
    assert cache_kib(db) == CACHE_MIN_KIB


def test_the_cache_covers_the_store_and_its_wal_with_room_to_grow(tmp_path: Path):
    db = tmp_path / "caredesk.db"
    db.write_bytes(b"\0" * (16 << 20))
    (tmp_path / "caredesk.db-wal").write_bytes(b"\0" * (4 << 20))
    assert cache_kib(db) == (20 << 10) * 9 // 8


def test_the_cache_is_capped_for_the_memory_budget(tmp_path: Path):
    db = tmp_path / "caredesk.db"
    with db.open("wb") as f:
        f.truncate(1 << 30)  # sparse: the size is what counts
    assert cache_kib(db) == CACHE_MAX_KIB


def test_every_connection_of_the_store_has_it(workspace):
    with workspace.reading() as uow:
        conn = uow.patients.s.connection()
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -cache_kib(workspace.folder_path / "caredesk.db")


def test_a_store_that_grows_gets_a_bigger_cache_at_the_next_unit_of_work(workspace):
    """A pooled connection made while the store was small (a new store before its demo panel
    or import) is re-sized when it is next checked out."""
    db = workspace.folder_path / "caredesk.db"
    with workspace.uow() as uow:
        conn = uow.patients.s.connection()
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -CACHE_MIN_KIB
        conn.exec_driver_sql("CREATE TABLE filler (x BLOB)")
        conn.exec_driver_sql("INSERT INTO filler VALUES (randomblob(12000000))")
        uow.commit()
    assert cache_kib(db) > CACHE_MIN_KIB
    with workspace.reading() as uow:
        assert uow.patients.s.connection().exec_driver_sql("PRAGMA cache_size").scalar() == -cache_kib(db)

"""What a failing disk, a damaged page or a busy store means, said as a CareDesk error (SPEC
section 5: disk full, a damaged page, a busy store get a clear, true message, never a traceback).

SQLite reports a full disk as SQLITE_FULL when a write finds no room, but as SQLITE_IOERR
when it cannot even grow its shared-memory file (-shm) at open: a tester's full disk was
then called "the key file does not belong to this database". So an I/O error is taken for
a full disk when the disk has almost no room left.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from caredesk.errors import DiskFull, StoreBusy, StoreError

# SQLite's primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = (
    5, 6, 8, 10, 11, 13, 26,
)  # fmt: skip
# Under this much room an I/O error is a full disk: SQLite needs 32 KiB for a -shm file
# and a page or two for the journal; 1 MiB leaves room for a file system's own overhead.
LOW_SPACE_BYTES = 1 << 20
# Connection.backup() raises with SQLite's words only, no code (CPython's _sqlite/connection.c
# uses sqlite3_errstr): a backup onto a full drive said "unexpected error (OperationalError)".
_CODE_OF_WORDS = {"database or disk is full": SQLITE_FULL, "disk I/O error": SQLITE_IOERR}


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a sqlcipher3 error, or of the one a SQLAlchemy
    error wraps (its `orig`); None for anything else."""
    inner = getattr(exc, "orig", None) or exc
    code = getattr(inner, "sqlite_errorcode", None)
    if code is None and type(inner).__module__.startswith(("sqlcipher3", "sqlite3")):
        return _CODE_OF_WORDS.get(str(inner))
    return code & 0xFF if isinstance(code, int) else None  # extended codes carry the primary in the low byte


def low_on_space(folder: Path) -> bool:
    """True when the disk holding `folder` has almost no room left (False when it cannot be asked)."""
    try:
        return shutil.disk_usage(folder).free < LOW_SPACE_BYTES
    except OSError:
        return False


def is_disk_full(exc: OSError) -> bool:
    """ENOSPC (no room) or EDQUOT (the user's quota is used up)."""
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)


def no_room(exc: BaseException, folder: Path) -> bool:
    """True when an SQLite failure writing a file in `folder` means that disk is full: SQLITE_FULL,
    or an I/O error while the disk has almost no room (see the module's docstring)."""
    code = sqlite_code(exc)
    return code == SQLITE_FULL or (code == SQLITE_IOERR and low_on_space(folder))


def from_sqlite(exc: BaseException, folder: Path) -> StoreError | None:
    """The CareDesk error an SQLite failure in the store in `folder` means, or None when it is
    none of these (the caller decides: a wrong key, a damaged page, a defect)."""
    code = sqlite_code(exc)
    if no_room(exc, folder):
        return DiskFull(folder)
    if code == SQLITE_IOERR:
        return StoreError(
            f"The disk holding {folder} failed to read or write the store (an I/O error) - nothing was saved. "
            "Check the disk; if it keeps failing, restore the last backup on another disk."
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreBusy()
    if code == SQLITE_READONLY and not _writable(folder):
        return StoreError(
            f"The store in {folder} is read-only (its files or the disk do not allow writing) - nothing was saved. "
            "Make the folder writable, or copy it to a disk that is."
        )
    return None


def _writable(folder: Path) -> bool:
    """Whether CareDesk may write the store's files in `folder` (permissions, a read-only mount)."""
    try:
        read_only_mount = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        read_only_mount = False
    files = [folder, *(folder / name for name in ("caredesk.db", "caredesk.db-wal", "caredesk.db-shm"))]
    return not read_only_mount and all(os.access(p, os.W_OK) for p in files if p.exists())


def damaged(folder: Path) -> StoreError:
    return StoreError(
        f"The store in {folder} is damaged or was altered (a page failed its check) - nothing was saved. "
        "Run 'caredesk verify' to see what is damaged, then restore the last backup "
        "(File > Restore from backup... or 'caredesk restore FILE')."
    )


def if_damaged(exc: BaseException, folder: Path) -> StoreError | None:
    """The "store is damaged" error when `exc` is SQLite finding a page it cannot use, else None.

    A page that fails SQLCipher's HMAC reads as SQLITE_CORRUPT or SQLITE_NOTADB; written to, the
    same page surfaces as SQLITE_NOMEM, which the driver raises as a bare MemoryError (a tester's
    `caredesk patients` on a store with one flipped byte said "unexpected error (MemoryError)"),
    and the connection that met it refuses every later write with SQLITE_READONLY.
    A MemoryError counts only when it came out of the driver, not from Python running short."""
    code = sqlite_code(exc)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or (isinstance(exc, MemoryError) and _from_driver(exc)):
        return damaged(folder)
    if code == SQLITE_READONLY:  # the files are writable (from_sqlite said so otherwise):
        return damaged(folder)  # SQLCipher refuses writes on a connection that met a bad page
    return None


# The pooled connections' own class (commit_watch.WatchedConnection) calls the driver's commit;
# by its path's last parts, which are the same in the venv and in the bundle.
_DRIVER_SUBCLASS = ("caredesk", "store", "commit_watch.py")


def _from_driver(exc: BaseException) -> bool:
    """True when the innermost Python frame of `exc` is SQLAlchemy, or our connection class,
    calling the database driver."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    where = Path(tb.tb_frame.f_code.co_filename)
    return "sqlalchemy" in where.parts or where.parts[-3:] == _DRIVER_SUBCLASS

"""What a failing disk or a busy store means, said as a CareDesk error (SPEC section 5:
disk full, a damaged page, a busy store get a clear, true message, never a traceback).

SQLite reports a full disk as SQLITE_FULL when a write finds no room, but as SQLITE_IOERR
when it cannot even grow its shared-memory file (-shm) at open: a tester's full disk was
then called "the key file does not belong to this database". So an I/O error is taken for
a full disk when the disk has almost no room left.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from caredesk.errors import DiskFull, StoreBusy, StoreError

# SQLite's primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL = 5, 6, 10, 13
# Under this much room an I/O error is a full disk: SQLite needs 32 KiB for a -shm file
# and a page or two for the journal; 1 MiB leaves room for a file system's own overhead.
LOW_SPACE_BYTES = 1 << 20


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a sqlcipher3 error, or of the one a SQLAlchemy
    error wraps (its `orig`); None for anything else."""
    inner = getattr(exc, "orig", None) or exc
    code = getattr(inner, "sqlite_errorcode", None)
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


def from_sqlite(exc: BaseException, folder: Path) -> StoreError | None:
    """The CareDesk error an SQLite failure in the store in `folder` means, or None when it is
    none of these (the caller decides: a wrong key, a damaged page, a defect)."""
    code = sqlite_code(exc)
    if code == SQLITE_FULL or (code == SQLITE_IOERR and low_on_space(folder)):
        return DiskFull(folder)
    if code == SQLITE_IOERR:
        return StoreError(
            f"The disk holding {folder} failed to read or write the store (an I/O error) - nothing was saved. "
            "Check the disk; if it keeps failing, restore the last backup on another disk."
        )
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StoreBusy()
    return None

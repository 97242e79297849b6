"""Holding a data folder's lock file outside the app (a restore must not run under an open window).

The app guards its data folder with a QLockFile (caredesk.ui.shell.single_instance), which on
POSIX keeps an flock() on `caredesk.lock` while it runs. Here the same file is taken the same
way, so each side sees the other: an flock that cannot be had means another CareDesk holds the
folder; a lock file nobody has locked is left over from a crash and is taken over. The file
holds our pid, an app name and the host name, as QLockFile's does; the app's stale-lock check
then finds it held (the flock) and refuses to start while a restore runs. Since the flock, not
the pid in the file, says who holds it, a crashed CareDesk's pid reused by another program does
not keep the folder shut (caredesk.lock_owner; on Windows, without flock, that module checks
the pid).
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from caredesk import lock_owner
from caredesk.errors import StoreLocked

IN_USE = (
    "CareDesk is open for this data folder (in another window or command). Close it, then restore; nothing was changed."
)


@contextmanager
def holding(lock_file: Path) -> Iterator[None]:
    """Hold `lock_file` for the block; StoreLocked when a running CareDesk holds it."""
    fd = _take(lock_file)
    try:
        yield
    finally:
        with suppress(OSError):
            lock_file.unlink()
        os.close(fd)  # closing drops the flock


def _take(lock_file: Path) -> int:
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreLocked(f"Cannot lock the data folder {lock_file.parent} ({exc.strerror}).") from None
    if sys.platform != "win32":
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreLocked(IN_USE) from None
    elif os.fstat(fd).st_size and lock_owner.is_held(lock_file):  # Windows: no flock; ask who wrote it
        os.close(fd)
        raise StoreLocked(IN_USE)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\ncaredesk-restore\n{socket.gethostname()}\n".encode())
    return fd

"""One CareDesk per data folder, guarded by a QLockFile next to the store.

staleLockTime 0: a lock never goes stale by age (a long session keeps it), only when
its owner process is gone (a crash). QLockFile takes such a lock over in tryLock when the
pid is gone or runs a program of another name; a pid reused by another Python program it
takes for CareDesk, so caredesk.lock_owner identifies the owner (the flock a running
CareDesk holds) and the lock is taken over when nobody holds it.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QLockFile

from caredesk import lock_owner
from caredesk.errors import StoreLocked

log = logging.getLogger(__name__)

ALREADY_OPEN = "CareDesk is already open for this data folder."


class InstanceLock:
    def __init__(self, lock_file: Path):
        """`lock_file`: the data folder's lock file (AppContext.lock_file)."""
        self.path = lock_file
        self._lock: QLockFile | None = None

    def acquire(self) -> None:
        """Raises StoreLocked when another running CareDesk holds this folder."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = QLockFile(str(self.path))
        lock.setStaleLockTime(0)
        if not lock.tryLock(0) and lock.error() == QLockFile.LockError.LockFailedError:
            # Qt found the lock's pid alive; it may be another program's now (lock_owner).
            if lock_owner.is_held(self.path) or not lock.removeStaleLockFile() or not lock.tryLock(0):
                raise StoreLocked(ALREADY_OPEN)
            log.info("took over a lock left by a process that is gone")
        if not lock.isLocked():
            raise StoreLocked(f"CareDesk cannot lock its data folder {self.path.parent} (is it writable?).")
        # QLockFile creates the file with the umask's mode (0644, 0666 under umask 000); it holds
        # the pid and host name: the user's alone, like everything else in the data folder.
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)
        self._lock = lock
        log.info("instance lock acquired")

    @property
    def held(self) -> bool:
        return self._lock is not None and self._lock.isLocked()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

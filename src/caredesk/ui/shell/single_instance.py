"""One CareDesk per data folder, guarded by a QLockFile next to the store.

staleLockTime 0: a lock never goes stale by age (a long session keeps it), only when
its owner process is gone (a crash), which QLockFile detects and takes over in tryLock.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLockFile

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
        if not lock.tryLock(0):
            if lock.error() == QLockFile.LockError.LockFailedError:
                raise StoreLocked(ALREADY_OPEN)
            raise StoreLocked(f"CareDesk cannot lock its data folder {self.path.parent} (is it writable?).")
        self._lock = lock
        log.info("instance lock acquired")

    @property
    def held(self) -> bool:
        return self._lock is not None and self._lock.isLocked()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

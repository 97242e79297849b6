"""Growing delay after repeated wrong secrets, one for every way into a data folder.

Every wrong passphrase or recovery code, typed in the app or given to a `caredesk` command,
counts toward the same delay, across restarts and processes: failures are kept in
`caredesk.attempts` in the data folder, beside the store but not part of it, so a wrong
secret still leaves `caredesk.db` and `caredesk.key` byte-for-byte unchanged. At the next
successful unlock the failures are written to the audit log (each at its time, with the kind of
secret tried, never the secret) and the file is removed.

The file is one line per failure, `<unix time> <ISO 8601 instant> <what was tried>`,
appended with O_APPEND and fsync (0600). Appending, not rewriting: two processes failing at
once each add their line and neither is lost, where read-modify-write-rename would keep one.
A crash mid-line leaves a torn last line, which is skipped.

What this protects, honestly: it slows someone guessing at this laptop's keyboard or
scripting the `caredesk` command. Deleting or editing the file only removes the delay; the
real protection against guessing is the memory-hard KDF (Argon2id, about half a second per
guess, in caredesk.store.keys), which whoever copies the files must pay for every guess.
The delay is measured on the wall clock (it must hold across processes); a clock set back
never makes it longer than the delay itself.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from caredesk.errors import TooManyAttempts

FREE_ATTEMPTS = 5
MAX_DELAY = 300.0
ATTEMPTS_NAME = "caredesk.attempts"
log = logging.getLogger(__name__)


def delay_after(failures: int) -> float:
    """Seconds to wait before the next attempt: none for the first five, then 2, 4, 8 ... 300."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - FREE_ATTEMPTS + 1))


@dataclass(frozen=True, slots=True)
class Failure:
    """One wrong secret: `wall` (unix time, for the delay), `at` (the app's clock, for the
    audit), `what` ("passphrase", "recovery code")."""

    wall: float
    at: datetime
    what: str

    def line(self) -> str:
        return f"{self.wall:.3f} {self.at.isoformat()} {self.what}\n"

    @classmethod
    def parse(cls, line: str) -> Failure | None:
        parts = line.rstrip("\n").split(" ", 2)
        if len(parts) != 3 or not line.endswith("\n"):
            return None  # a line torn by a crash
        try:
            at = datetime.fromisoformat(parts[1])
            return cls(float(parts[0]), at, parts[2]) if at.tzinfo is not None else None
        except ValueError:
            return None


class Lockout:
    """The failures since the last successful unlock of one data folder.

    `path`: the attempts file (None: kept in memory only, for a folder that cannot be
    written). `wall`: the clock the delay is measured on."""

    def __init__(self, path: Path | None = None, wall: Callable[[], float] = time.time):
        self.path = path
        self._wall = wall
        self._memory: list[Failure] = []  # failures the file could not take (a full disk)

    @property
    def failures(self) -> int:
        return len(self.pending())

    def pending(self) -> list[Failure]:
        """The failures recorded and not yet audited, oldest first."""
        return sorted(self._read() + self._memory, key=lambda f: f.wall)

    def _read(self) -> list[Failure]:
        if self.path is None:
            return []
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [f for f in map(Failure.parse, text.splitlines(keepends=True)) if f is not None]

    def wait_seconds(self) -> float:
        found = self.pending()
        delay = delay_after(len(found))
        if delay == 0:
            return 0.0
        return max(0.0, min(delay, found[-1].wall + delay - self._wall()))

    def check(self) -> None:
        """Raises TooManyAttempts while the delay has not passed."""
        remaining = self.wait_seconds()
        if remaining > 0:
            raise TooManyAttempts(remaining)

    def failed(self, at: datetime, what: str) -> None:
        """Count one wrong `what` ("passphrase", "recovery code") tried at `at`."""
        self._keep(Failure(self._wall(), at, what))

    def _keep(self, failure: Failure) -> None:
        if self.path is not None:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, failure.line().encode("utf-8"))
                    os.fsync(fd)
                finally:
                    os.close(fd)
                return
            except OSError as exc:
                log.warning("failed attempt not recorded on disk (%s)", exc.strerror)
        self._memory.append(failure)

    def succeeded(self, audited: list[Failure] | None = None) -> None:
        """Forget the failures `audited` (all when None): the audit log has them now. A failure
        another process recorded meanwhile stays for its next unlock."""
        if audited is None:
            audited = self.pending()
        self._memory = [f for f in self._memory if f not in audited]
        if self.path is None:
            return
        import secrets  # here: the unlock page loads this module before its first paint (issue 14)

        taking = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            os.replace(self.path, taking)  # later failures start a new file
        except FileNotFoundError:
            return
        except OSError as exc:
            log.warning("failed attempts not cleared (%s)", exc.strerror)
            return
        try:
            left = [f for f in map(Failure.parse, taking.read_text("utf-8", "replace").splitlines(True)) if f]
        except OSError:
            left = []
        for f in left:
            if f not in audited:
                self._keep(f)
        taking.unlink(missing_ok=True)

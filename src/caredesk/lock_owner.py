"""Who holds a data folder's lock file: a running CareDesk, or nobody (left over from a crash)?

The lock file (`caredesk.lock`) is QLockFile's: "<pid>\\n<app name>\\n<host name>\\n...". Qt
calls a lock stale when that pid is gone or runs a program of another name, but CareDesk runs
as `python3.x`, so a crashed CareDesk's pid reused by any other Python program (or a
PyInstaller build's pid by any program of that name) looked alive and the app refused to open
with "already open" while no CareDesk ran (issue 11 item 10). The owner is identified here:

1. POSIX: a running owner holds an flock() on the file for as long as it runs (QLockFile
   takes one right after creating the file, before writing its contents; the restore's
   caredesk.store.folder_lock does the same). A filled lock file nobody has flocked is left
   over. An empty one is being created this instant and counts as held.
2. Where flock() is missing or refused (Windows; a file system without it): the pid must be
   alive, be a CareDesk (its command line names caredesk; Linux /proc) and have started
   before the lock file was written; otherwise the pid was reused. Where the command line
   cannot be read (Windows, macOS), a live pid counts as held, as Qt does.

Only this computer's locks are judged: a lock written on another host name counts as held.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

_NO_FLOCK = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


def is_held(lock_file: Path) -> bool:
    """True when a running CareDesk (app or restore) holds `lock_file`; False when the file
    is absent or left over from a process that is gone (or whose pid another program now has)."""
    try:
        fd = os.open(lock_file, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot look: the safe answer
    try:
        contents = os.read(fd, 4096).decode("utf-8", "replace")
        if not contents.strip():
            return True  # its owner is writing it now
        flocked = _flocked(fd)
        if flocked is not None:
            return flocked
        return _pid_owner_running(contents, os.fstat(fd).st_mtime)
    finally:
        os.close(fd)


def _flocked(fd: int) -> bool | None:
    """Whether another process holds an flock on `fd`'s file; None when flock cannot tell."""
    if sys.platform == "win32":
        return None
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError as exc:
        if exc.errno in _NO_FLOCK:
            return None
        return True
    fcntl.flock(fd, fcntl.LOCK_UN)
    return False


def _pid_owner_running(contents: str, written_at: float) -> bool:
    lines = contents.splitlines()
    try:
        pid = int(lines[0])
    except (IndexError, ValueError):
        return False  # not a lock file any CareDesk wrote
    host = lines[2] if len(lines) > 2 else ""
    import socket  # here: only a stale lock needs it, and socket cost ~3 ms before the first paint (issue 14)

    if host and host != socket.gethostname():
        return True  # another computer's lock (a shared folder): not ours to judge
    return pid_is_caredesk(pid, written_at)


def pid_is_caredesk(pid: int, written_at: float) -> bool:
    """Whether process `pid` is alive and is a CareDesk that was running when its lock file
    was written at `written_at` (a unix time). Unknowable details count as yes."""
    if not _alive(pid):
        return False
    proc = Path(f"/proc/{pid}")
    try:
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return True  # no /proc (macOS, Windows): a live pid is taken as the owner, as Qt does
    if "caredesk" not in cmdline.casefold():
        return False  # the pid now belongs to another program
    started = _start_time(proc)
    return started is None or started <= written_at + 1.0  # started after its lock was written: reused


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        return True  # os.kill(pid, 0) would end the process there; Qt's check applies instead
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True


def _start_time(proc: Path) -> float | None:
    """When the process started (unix time), from /proc/<pid>/stat and the boot time."""
    try:
        stat = (proc / "stat").read_text()
        ticks = int(stat[stat.rindex(")") + 2 :].split()[19])  # field 22, starttime
        boot = next(
            int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime")
        )
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return boot + ticks / os.sysconf("SC_CLK_TCK")

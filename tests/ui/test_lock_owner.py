"""The data folder's lock identifies its owner, not just a pid (issue 11 item 10).

A CareDesk that crashed leaves caredesk.lock behind with its pid; when another program gets
that pid, the app refused to open ("already open") with no CareDesk running. Real processes:
a CareDesk holding the lock, killed with SIGKILL, its pid then given (in the file) to a live
Python program or a `sleep`; and a live CareDesk that must still keep the folder."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from caredesk import lock_owner
from caredesk.errors import StoreLocked
from caredesk.store import folder_lock
from caredesk.ui.shell.single_instance import ALREADY_OPEN, InstanceLock

SRC = str(Path(__file__).resolve().parents[2] / "src")
_HOLD = """
import sys
from pathlib import Path
from caredesk.ui.shell.single_instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""
_OTHER_PYTHON = "import time; print('up', flush=True); time.sleep(120)"  # not CareDesk


def _caredesk_holding(lock_file: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "QT_QPA_PLATFORM": "offscreen"}
    p = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(lock_file)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "held"
    return p


def _started(args: list[str]) -> subprocess.Popen[str]:
    p = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    if args[0] == sys.executable:
        assert p.stdout is not None and p.stdout.readline().strip() == "up"
    return p


@pytest.fixture
def crashed_lock(tmp_path: Path) -> Iterator[Path]:
    """A lock file left by a CareDesk killed with SIGKILL (no chance to remove it)."""
    lock_file = tmp_path / "caredesk.lock"
    app = _caredesk_holding(lock_file)
    app.send_signal(signal.SIGKILL)
    app.wait(timeout=30)
    assert lock_file.exists()
    yield lock_file


def _give_pid(lock_file: Path, pid: int) -> None:
    """The crashed CareDesk's pid now belongs to `pid` (rewrite the first line, as reuse would)."""
    lines = lock_file.read_bytes().split(b"\n")
    lines[0] = str(pid).encode()
    lock_file.write_bytes(b"\n".join(lines))


@pytest.mark.parametrize("program", ["python", "sleep"])
def test_a_crashed_lock_whose_pid_another_program_has_is_taken_over(crashed_lock: Path, program: str) -> None:
    other = _started([sys.executable, "-c", _OTHER_PYTHON] if program == "python" else ["sleep", "120"])
    try:
        _give_pid(crashed_lock, other.pid)
        assert not lock_owner.is_held(crashed_lock)
        lock = InstanceLock(crashed_lock)
        lock.acquire()  # was StoreLocked("already open") for the Python program
        try:
            assert lock.held
            assert crashed_lock.read_text().split("\n")[0] == str(os.getpid())
        finally:
            lock.release()
        with folder_lock.holding(crashed_lock):  # a restore too
            pass
    finally:
        other.kill()
        other.wait(timeout=30)


def test_a_running_caredesk_still_keeps_its_folder(tmp_path: Path) -> None:
    lock_file = tmp_path / "caredesk.lock"
    app = _caredesk_holding(lock_file)
    try:
        assert lock_owner.is_held(lock_file)
        with pytest.raises(StoreLocked, match=ALREADY_OPEN):
            InstanceLock(lock_file).acquire()
        with pytest.raises(StoreLocked, match="CareDesk is open for this data folder"):
            folder_lock.holding(lock_file).__enter__()
        assert lock_file.read_text().split("\n")[0] == str(app.pid)  # untouched
    finally:
        app.communicate("", timeout=30)


def test_without_flock_the_pid_must_be_a_caredesk_started_before_its_lock() -> None:
    # Where flock cannot answer (Windows, some file systems): the process itself is asked.
    caredesk = _started([sys.executable, "-c", "import caredesk, time; print('up', flush=True); time.sleep(120)"])
    other = _started([sys.executable, "-c", _OTHER_PYTHON])
    try:
        if not Path(f"/proc/{caredesk.pid}/cmdline").exists():
            pytest.skip("no /proc: a live pid counts as the owner, as Qt does")
        now = time.time()
        assert lock_owner.pid_is_caredesk(caredesk.pid, written_at=now)
        assert not lock_owner.pid_is_caredesk(other.pid, written_at=now)  # another program
        assert not lock_owner.pid_is_caredesk(caredesk.pid, written_at=now - 3600)  # started after its lock: reused
    finally:
        for p in (caredesk, other):
            p.kill()
            p.wait(timeout=30)
    assert not lock_owner.pid_is_caredesk(caredesk.pid, written_at=time.time())  # gone


def test_the_lock_file_is_the_users_alone_under_any_umask(tmp_path: Path) -> None:
    """It holds the pid and host name; QLockFile made it 0666 under umask 000 (CLI tester, issue 11)."""
    old = os.umask(0)
    try:
        lock = InstanceLock(tmp_path / "data" / "caredesk.lock")
        lock.acquire()
    finally:
        os.umask(old)
    try:
        assert stat.S_IMODE(lock.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(lock.path.parent.stat().st_mode) == 0o700
    finally:
        lock.release()

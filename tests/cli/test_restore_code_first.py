"""`caredesk restore FILE --recovery-code-file F` as a real process: the new recovery code is on
stdout before the key file changes (issue 11 item 5).

How the order is seen: the command's stdout is a pipe the test has filled to the brim, so the
command blocks in its first write, the flush of the lines up to the code. While it is stuck there (the kernel
says so: /proc/PID/wchan is the pipe write), the restored store's key file must still be the
backup's, opened by the code that was typed. Then the test reads the pipe: out comes the new
code, and only after that does the key file take it.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caredesk.errors import WrongSecret
from caredesk.services.access import Access
from caredesk.services.backup import make_backup
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC
from tests.cli.test_recovery_cli import printed_code
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE

NEW_PASSPHRASE = "restored on a new laptop"
F_SETPIPE_SZ = 1031  # linux/fcntl.h


@pytest.fixture
def backup(tmp_path, clock) -> tuple[Path, str]:
    """A backup file of a small store and that store's recovery code."""
    ws, code = Access(DataFolder(tmp_path / "old"), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        (tmp_path / "usb").mkdir()
        made = make_backup(ws, tmp_path / "usb")
    finally:
        ws.lock()
    return made.path, code


def _full_pipe() -> tuple[int, int]:
    """(read end, write end) of a pipe with no room left: the next write to it blocks."""
    r, w = os.pipe()
    fcntl.fcntl(w, F_SETPIPE_SZ, 4096)
    os.set_blocking(w, False)
    try:
        while True:
            os.write(w, b"#" * 512)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)
    return r, w


def _blocked_writing(pid: int) -> bool:
    try:
        return "pipe_write" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/wchan")
def test_the_new_code_is_printed_before_the_key_file_changes(backup, tmp_path):
    file, old_code = backup
    code_file = tmp_path / "code.txt"
    code_file.write_text(old_code + "\n")
    fresh = DataFolder(tmp_path / "new laptop")
    # Block-buffered stdout (as for any pipe unless PYTHONUNBUFFERED): the first write to the pipe
    # is the command's own flush of the code, not a line printed earlier.
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_") and k != "PYTHONUNBUFFERED"}
    env.update(
        PYTHONPATH=SRC,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        CAREDESK_CLOCK=NOW.isoformat(),
        CAREDESK_NEW_PASSPHRASE=NEW_PASSPHRASE,
    )
    args = ["restore", str(file), "--data-dir", str(fresh.path), "--recovery-code-file", str(code_file)]
    r, w = _full_pipe()
    proc = subprocess.Popen([sys.executable, "-m", "caredesk", *args], stdout=w, stderr=subprocess.PIPE, env=env)
    os.close(w)
    try:
        deadline = time.monotonic() + 120
        while not _blocked_writing(proc.pid):
            if proc.poll() is not None or time.monotonic() > deadline:
                wchan = "exited" if proc.poll() is not None else "timed out"
                pytest.fail(f"the command never blocked on its output ({wchan})")
            time.sleep(0.05)
        # Stuck printing: the store is restored, and the typed code (the backup's) still opens it.
        KeyFile.read(fresh.key).unwrap_with_recovery(old_code)
        KeyFile.read(fresh.key).unwrap_with_passphrase(PASSPHRASE)
        with os.fdopen(r, "rb") as pipe:
            out = pipe.read().decode().lstrip("#")
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stderr:
            proc.stderr.close()
    new_code = printed_code(out)
    assert out.index("Restored the backup made") < out.index(new_code) < out.index("Passphrase set.")
    key_file = KeyFile.read(fresh.key)
    key_file.unwrap_with_recovery(new_code)
    key_file.unwrap_with_passphrase(NEW_PASSPHRASE)
    with pytest.raises(WrongSecret):
        key_file.unwrap_with_recovery(old_code)

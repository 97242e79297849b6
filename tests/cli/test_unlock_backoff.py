"""Wrong secrets from every way in count toward one back-off that outlives the process (issue 11
item 6, "Brute force"): the CLI had none and never audited failed unlocks; the app's counter
started again at zero with each start. Real `caredesk` processes and real files; the store's own
files stay byte-identical through every wrong attempt."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from caredesk.errors import TooManyAttempts, WrongSecret
from caredesk.lockout import ATTEMPTS_NAME, Lockout
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE

WRONG = {"CAREDESK_PASSPHRASE": "not the passphrase"}
RIGHT = {"CAREDESK_PASSPHRASE": PASSPHRASE}


@pytest.fixture
def store(tmp_path: Path, clock) -> DataFolder:
    folder = DataFolder(tmp_path / "data")
    Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)[0].lock()
    return folder


def _store_files(folder: DataFolder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.files()}


def test_wrong_secrets_in_separate_commands_add_up_and_are_audited_at_the_next_unlock(store, tmp_path, clock):
    before = _store_files(store)
    for _ in range(5):
        r = run("patients", "--data-dir", str(store.path), env=WRONG)
        assert r.returncode == 3 and "passphrase is not correct" in r.stderr
    assert _store_files(store) == before  # caredesk.db, caredesk.key, caredesk.anchor
    assert (store.path / ATTEMPTS_NAME).stat().st_mode & 0o777 == 0o600

    # The sixth command waits its turn, even with the right passphrase (no oracle meanwhile).
    r = run("patients", "--data-dir", str(store.path), env=RIGHT)
    assert r.returncode == 3, r.stderr
    assert re.fullmatch(r"caredesk: Too many wrong attempts: wait [12] s before trying again\.\n", r.stderr)
    # The app (its own Access, as after a restart) is held back by the same count.
    app = Access(store, clock)
    assert app.lockout.wait_seconds() > 0
    with pytest.raises(TooManyAttempts):
        app.unlock(PASSPHRASE)

    time.sleep(2.1)
    code_file = tmp_path / "code.txt"
    code_file.write_text("ABCDE-FGHJK-MNPQR-STVWX-YZ012\n")  # well formed, not this store's
    r = run(
        "change-passphrase",
        "--data-dir",
        str(store.path),
        "--recovery-code-file",
        str(code_file),
        env={"CAREDESK_NEW_PASSPHRASE": "a brand new passphrase"},
    )
    assert r.returncode == 3 and "recovery code is not correct" in r.stderr, r.stderr
    assert Lockout(store.path / ATTEMPTS_NAME).failures == 6
    assert _store_files(store) == before

    time.sleep(4.1)
    r = run("patients", "--data-dir", str(store.path), env=RIGHT)
    assert r.returncode == 0, r.stderr
    assert "caredesk: note: 6 failed unlock attempts since 11/24 10:30" in r.stderr
    assert not (store.path / ATTEMPTS_NAME).exists()

    ws = Access(store, clock).unlock(PASSPHRASE)
    try:
        with ws.uow() as uow:
            failed = [e.detail for e in uow.audit_log.all() if e.action == "unlock.failed"]
        assert failed == ["passphrase"] * 5 + ["recovery code"]
        assert ws.verify() == []
    finally:
        ws.lock()


def test_the_apps_count_survives_a_restart(store, clock):
    first = Access(store, clock)  # the app's Access; dropped when the app quits
    for _ in range(5):
        with pytest.raises(WrongSecret):
            first.unlock("wrong passphrase!")
    with pytest.raises(TooManyAttempts):
        Access(store, clock).unlock(PASSPHRASE)  # the app started again


_FAIL = """
import sys
from pathlib import Path
from caredesk.clock import Clock
from caredesk.errors import WrongSecret
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
access = Access(DataFolder(Path(sys.argv[1])), Clock())
try:
    access.unlock("not the passphrase")
except WrongSecret:
    pass
"""


def test_failures_in_processes_at_once_are_all_counted(store):
    procs = [
        subprocess.Popen([sys.executable, "-c", _FAIL, str(store.path)], env={"PYTHONPATH": SRC}) for _ in range(4)
    ]
    for p in procs:
        assert p.wait(timeout=60) == 0
    assert Lockout(store.path / ATTEMPTS_NAME).failures == 4


def test_a_torn_or_edited_count_only_loses_the_delay(store, clock):
    path = store.path / ATTEMPTS_NAME
    access = Access(store, clock)
    for _ in range(5):
        with pytest.raises(WrongSecret):
            access.unlock("wrong passphrase!")
    with path.open("a") as f:
        f.write("17000")  # a line torn by a crash mid-write
    assert Lockout(path).failures == 5
    path.write_text("garbage\n")  # someone edits it: the delay is gone, nothing breaks
    ws = Access(store, clock).unlock(PASSPHRASE)
    ws.lock()
    assert not path.exists()

"""Wrong secrets from every way in count toward one back-off that outlives the process (issue 11
item 6, "Brute force"): the CLI had none and never audited failed unlocks; the app's counter
started again at zero with each start. Real `caredesk` processes and real files; the store's own
files stay byte-identical through every wrong attempt."""

from __future__ import annotations

import hashlib
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from caredesk.errors import TooManyAttempts, WrongSecret
from caredesk.lockout import ATTEMPTS_NAME, Failure, Lockout
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import cli_env, run
from tests.cli_process import run_module
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


def _as_if_waited(folder: DataFolder, seconds: float) -> None:
    """The attempts file as it would read `seconds` later: each failure's unix time moved back.
    The delay is the last failure's unix time plus the delay against the wall clock
    (caredesk.lockout.Lockout.wait_seconds), so this is a wait without sleeping; the app's
    clock (the audit's instants, pinned by $CAREDESK_CLOCK) is left as a real wait leaves it."""
    path = folder.path / ATTEMPTS_NAME
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    failures = [f for f in map(Failure.parse, lines) if f is not None]
    assert len(failures) == len(lines)
    path.write_text("".join(replace(f, wall=f.wall - seconds).line() for f in failures), encoding="utf-8")


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

    _as_if_waited(store, 2.1)
    assert Lockout(store.path / ATTEMPTS_NAME).wait_seconds() == 0
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

    _as_if_waited(store, 4.1)
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


def test_failures_in_processes_at_once_are_all_counted(store, tmp_path):
    """Four processes, each `python -m caredesk_fail_once FOLDER` (forked from the tests' zygote,
    tests/cli_process.py, so they start within milliseconds of each other), fail at once."""
    (tmp_path / "caredesk_fail_once.py").write_text(_FAIL, encoding="utf-8")

    def fail_once(_: int) -> subprocess.CompletedProcess[str]:
        return run_module("caredesk_fail_once", [str(store.path)], env=cli_env(), timeout=60, cwd=str(tmp_path))

    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(fail_once, range(4)))
    assert [(d.returncode, d.stderr) for d in done] == [(0, "")] * 4
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

"""`caredesk restore` over a store says what it replaces and asks (issue 11: it replaced a store
without a word, even with a backup of another store or one older than the store's last change).

Real processes: without a terminal it needs --replace (usage error, exit 2, files unchanged);
on a terminal (a pty) it prints the store's patients and last change, the backup's date and
whether it is of another store, and replaces only on yes.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from caredesk.clock import FixedClock
from caredesk.services.access import Access
from caredesk.services.backup import make_backup
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC, assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE
from tests.services.test_calls import _patient


def _store(path: Path, mrns: list[str], passphrase: str = PASSPHRASE, *, at=NOW) -> DataFolder:
    folder = DataFolder(path)
    ws, _ = Access(folder, FixedClock(at)).create(passphrase, kdf=FAST_KDF, zone=ZONE)
    for mrn in mrns:
        _patient(ws, mrn)
    ws.lock()
    return folder


def _backup(folder: DataFolder, to: Path, passphrase: str = PASSPHRASE) -> Path:
    to.mkdir(exist_ok=True)
    ws = Access(folder, FixedClock(NOW)).unlock(passphrase)
    try:
        return make_backup(ws, to).path
    finally:
        ws.lock()


def _sha(folder: DataFolder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.files()}


def _on_a_terminal(args: list[str], answer: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`caredesk ARGS` with a pty as its stdin (a terminal), typing `answer`."""
    master, slave = os.openpty()
    full = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    full.update(PYTHONPATH=SRC, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", CAREDESK_CLOCK=NOW.isoformat())
    full.update(env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "caredesk", *args],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full,
    )
    os.close(slave)
    os.write(master, answer.encode() + b"\n")
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(master)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


@pytest.fixture
def later_store(tmp_path) -> tuple[DataFolder, Path]:
    """A live store of 3 patients, the last added a week after its backup (12/01/2026), and
    that backup (11/24/2026, 2 patients)."""
    live = _store(tmp_path / "live", ["M1", "M2"])
    backup = _backup(live, tmp_path / "usb")
    ws = Access(live, FixedClock(NOW + timedelta(days=7))).unlock(PASSPHRASE)
    _patient(ws, "M3")
    ws.lock()
    return live, backup


def test_without_a_terminal_restore_over_a_store_needs_replace(later_store):
    live, backup = later_store
    before = _sha(live)
    r = run("restore", str(backup), "--data-dir", str(live.path), env=pw_env())
    assert_clean_failure(r, 2, "Add --replace to go ahead")
    assert _sha(live) == before
    r = run("restore", str(backup), "--data-dir", str(live.path), "--replace", env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "2 patients" in r.stdout


@pytest.mark.slow
def test_on_a_terminal_it_says_what_is_replaced_and_asks(later_store):
    live, backup = later_store
    before = _sha(live)
    args = ["restore", str(backup), "--data-dir", str(live.path)]
    r = _on_a_terminal(args, "n", pw_env())
    assert r.returncode == 1 and "nothing was restored" in r.stderr, r.stderr
    assert (
        "This folder holds a store with 3 patients, last changed 12/01/2026; the backup was made 11/24/2026, "
        "before that change, and holds 2 patients." in r.stdout
    ), r.stdout
    assert "different store" not in r.stdout and "Replace it? [y/N]" in r.stdout
    assert _sha(live) == before
    r = _on_a_terminal(args, "y", pw_env())
    assert r.returncode == 0, r.stderr
    assert re.search(r"Restored the backup made 11/24/2026 .*: 2 patients", r.stdout), r.stdout
    # What the replaced folder holds, and which secrets open the store now (issue 11 item 3).
    assert re.search(
        r"^Kept, unchanged, in .*replaced-2026-11-24-103000: the store this restore replaced, 3 patients, "
        r"last changed 12/01/2026\. It opens with its own passphrase",
        r.stdout,
        re.M,
    ), r.stdout
    assert (
        "The store now opens with the passphrase it had when the backup was made (11/24/2026), "
        "and with that day's recovery code." in r.stdout
    )


@pytest.mark.slow
def test_a_backup_of_another_store_with_another_passphrase_is_said_and_still_asked(tmp_path):
    live = _store(tmp_path / "live", ["M1"])
    other = _store(tmp_path / "other", ["X1", "X2"], "the other store's passphrase")
    backup = _backup(other, tmp_path / "usb", "the other store's passphrase")
    before = _sha(live)
    r = _on_a_terminal(
        ["restore", str(backup), "--data-dir", str(live.path)],
        "",
        {"CAREDESK_PASSPHRASE": "the other store's passphrase"},
    )
    assert r.returncode == 1, r.stderr  # Enter alone is no
    assert "This folder holds a store that the passphrase given does not open" in r.stdout, r.stdout
    assert "It is a backup of a different store, not of this one." in r.stdout
    assert _sha(live) == before

"""Two processes on one store: saves wait for each other's write lock instead of failing.

A tester ran six `caredesk log-contact` at once: four failed with "unexpected error
(OperationalError)". A unit of work began deferred, read (the audit chain's head), then wrote
after another process had committed: SQLite refuses that at once with SQLITE_BUSY (a stale
snapshot), whatever the busy timeout (https://www.sqlite.org/lang_transaction.html, "BEGIN
IMMEDIATE"; https://www.sqlite.org/rescode.html#busy_snapshot). Writers now begin IMMEDIATE.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from caredesk.domain.patients import Enrollment, Patient, Program
from caredesk.errors import StoreBusy
from caredesk.services.access import Access
from caredesk.services.contact_history import history
from caredesk.services.patients import by_mrn
from caredesk.store import engine
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC, pw_env, run
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE, add_patient, templated


@pytest.fixture
def store(tmp_path, clock, store_templates) -> DataFolder:
    templated(store_templates, clock, "two-processes-store", _one_patient, tmp_path / "store")
    return DataFolder(tmp_path / "store")


def _one_patient(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    add_patient(
        ws,
        Patient(mrn="T0001", given_name="Ann", family_name="Tester", birth_date=date(1950, 3, 4)),
        Enrollment(patient_id=0, program=Program.CCM, start_date=date(2026, 1, 5)),
    )
    ws.lock()


def _popen(store: DataFolder, *args: str) -> subprocess.Popen[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    env.update(
        pw_env(),
        PYTHONPATH=SRC,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        CAREDESK_CLOCK=NOW.isoformat(),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "caredesk", *args, "--data-dir", str(store.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_four_calls_logged_at_once_from_four_processes_are_all_saved(store, clock):
    writers = [
        _popen(store, "log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", str(n)) for n in range(1, 5)
    ]
    readers = [_popen(store, "patients")]
    for p in writers + readers:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and "Traceback" not in err, err
    ws = Access(store, clock).unlock(PASSPHRASE)
    try:
        minutes = sorted(r.minutes for r in history(ws, by_mrn(ws, "T0001").id))
        assert minutes == [1, 2, 3, 4]
    finally:
        ws.lock()
    assert run("verify", "--data-dir", str(store.path), env=pw_env()).returncode == 0


_HOLDER = textwrap.dedent(
    """
    import sys, time
    from caredesk.services.access import Access
    from caredesk.store.vault import DataFolder
    from pathlib import Path
    ws = Access(DataFolder(Path(sys.argv[1]))).unlock(sys.argv[2])
    with ws.uow():  # holds the write lock (BEGIN IMMEDIATE) until the block ends
        print("held", flush=True)
        time.sleep(float(sys.argv[3]))
    ws.lock()
    """
)


def _hold_write_lock(store: DataFolder, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(store.path), PASSPHRASE, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": SRC, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_save_waits_for_another_process_to_finish_its_save(store, clock):
    ws = Access(store, clock).unlock(PASSPHRASE)
    holder = _hold_write_lock(store, 1.0)
    try:
        from caredesk.services.calls import log_contact

        pid = by_mrn(ws, "T0001").id
        logged = log_contact(ws, pid, outcome="reached", minutes=7)  # waits ~1 s for the holder, then saves
        assert logged.time_entry is not None and [r.minutes for r in history(ws, pid)] == [7]
    finally:
        holder.wait(timeout=60)
        ws.lock()


def test_a_lock_held_past_the_busy_timeout_is_a_true_message_and_nothing_is_saved(store, clock, monkeypatch):
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_S", 0.3)  # SQLite's wait, read when a connection opens
    ws = Access(store, clock).unlock(PASSPHRASE)
    pid = by_mrn(ws, "T0001").id
    holder = _hold_write_lock(store, 2.0)
    try:
        from caredesk.services.calls import log_contact

        with pytest.raises(StoreBusy) as raised:
            log_contact(ws, pid, outcome="reached", minutes=7)
        assert "busy" in str(raised.value) and "Nothing was saved" in str(raised.value)
    finally:
        holder.wait(timeout=60)
    assert history(ws, pid) == []
    ws.lock()

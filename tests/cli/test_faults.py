"""Faults a tester met running `caredesk` as a real process (issue 11, item 6): each gets a true
message and a clean exit, never a traceback. Disk-full faults are in tests/store/test_disk_full.py
(they need a mounted filesystem)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from caredesk.domain.patients import Enrollment, Patient, Program
from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC, pw_env
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE, add_patient


@pytest.fixture
def store(tmp_path, clock) -> DataFolder:
    folder = DataFolder(tmp_path / "store")
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    add_patient(
        ws,
        Patient(mrn="T0001", given_name="Ann", family_name="Tester", birth_date=date(1950, 3, 4)),
        Enrollment(patient_id=0, program=Program.CCM, start_date=date(2026, 1, 5)),
    )
    ws.lock()
    return folder


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    env.update(
        pw_env(),
        PYTHONPATH=SRC,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        CAREDESK_CLOCK=NOW.isoformat(),
    )
    env.update(extra)
    return env


def _popen(store: DataFolder, *args: str, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-m", "caredesk", *args, "--data-dir", str(store.path)],
        text=True,
        env=_env(),
        **popen,
    )


def _log_text(store: DataFolder) -> str:
    log = store.logs / "caredesk.log"
    return log.read_text(encoding="utf-8") if log.exists() else ""


# -- output piped to a reader that went away ------------------------------------------------


@pytest.mark.parametrize("command", [("patients",), ("queue", "--json")])
def test_output_piped_to_a_closed_reader_ends_quietly_with_status_0(store, command):
    """`caredesk patients | head -1`: the reader is gone before the list is written (closed at
    once, so the write always meets a closed pipe). A tester saw 'unexpected error
    (BrokenPipeError)'; then status 141. Like other tools: nothing on stderr, no log entry, 0."""
    log_before = _log_text(store)
    proc = _popen(store, *command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader ends before CareDesk has unlocked the store
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err
    assert err == ""
    assert _log_text(store) == log_before

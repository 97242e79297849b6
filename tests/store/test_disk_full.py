"""A full disk, for real: a small tmpfs mounted for this module and filled with a file (issue 11,
item 6). A tester's disk with ~150 KiB left printed logging tracebacks, one with 60 KiB left
'unexpected error (OperationalError)', a full one 'the key file does not belong to this
database', and change-passphrase left caredesk.key.tmp behind. Expected: "The disk is full -
nothing was saved", what was saved before intact, no traceback, no temporary file.

Mounting needs root (CI runs as root); elsewhere these tests skip and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from caredesk.domain.patients import Enrollment, Patient, Program
from caredesk.errors import DiskFull
from caredesk.services.access import DISK_FULL_NOTICE, Access
from caredesk.services.calls import log_contact
from caredesk.services.contact_history import history
from caredesk.services.patients import by_mrn
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient, templated

FULL = "The disk is full - nothing was saved"
NEW_PASSPHRASE = "a brand new passphrase"


def _mount_tmpfs(where: Path, size: str) -> str | None:
    """Mount a tmpfs of `size` at `where`; None when done, else why it could not be."""
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        return "a tmpfs mount needs Linux"
    if os.geteuid() != 0:
        return "mounting a small tmpfs needs root (CI runs as root)"
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)], capture_output=True, text=True
    )
    return None if done.returncode == 0 else f"cannot mount a tmpfs here: {done.stderr.strip()}"


def _unmount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


@pytest.fixture(scope="module")
def disk(tmp_path_factory) -> Iterator[Path]:
    """One 4 MiB tmpfs for the whole module (a store is ~260 KiB)."""
    where = tmp_path_factory.mktemp("small-disk")
    why = _mount_tmpfs(where, "4m")
    if why is not None:
        pytest.skip(why)
    yield where
    _unmount(where)


@pytest.fixture
def store(disk, clock, store_templates) -> Iterator[DataFolder]:
    """A store with one patient and one logged call, on the small disk; emptied afterwards."""
    templated(store_templates, clock, "disk-full-store", _one_patient_one_call, disk / "store")
    yield DataFolder(disk / "store")
    for child in disk.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _one_patient_one_call(folder: DataFolder, clock) -> None:
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    try:
        p = add_patient(
            ws,
            Patient(mrn="T0001", given_name="Ann", family_name="Tester", birth_date=date(1950, 3, 4)),
            Enrollment(patient_id=0, program=Program.CCM, start_date=date(2026, 1, 5)),
        )
        log_contact(ws, p.id, outcome="reached", minutes=12)
    finally:
        ws.lock()


def free_bytes(where: Path) -> int:
    return shutil.disk_usage(where).free


def fill(disk: Path, leave_kib: int) -> Path:
    """Fill the disk with a file until about `leave_kib` KiB are free; the file, to delete later."""
    filler = disk / f"filler-{leave_kib}"
    with filler.open("ab") as out:
        room = free_bytes(disk) - leave_kib * 1024
        while room > 0:
            try:
                out.write(b"\0" * min(room, 1 << 20))
                out.flush()
            except OSError:
                break
            room = free_bytes(disk) - leave_kib * 1024
    return filler


def _minutes(folder: DataFolder, clock) -> list[int]:
    ws = Access(folder, clock).unlock(PASSPHRASE)
    try:
        return sorted(r.minutes for r in history(ws, by_mrn(ws, "T0001").id))
    finally:
        ws.lock()


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line on stderr; an unlock on a full disk may say so first in a note."""
    assert "Traceback" not in result.stderr and "Logging error" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    if len(lines) == 2 and lines[0] == f"caredesk: note: {DISK_FULL_NOTICE}":
        lines = lines[1:]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_call_saved_on_a_full_disk_is_refused_as_disk_full_and_rolled_back(store, disk, clock):
    ws = Access(store, clock).unlock(PASSPHRASE)
    try:
        pid = by_mrn(ws, "T0001").id
        filler = fill(disk, 0)
        try:
            with pytest.raises(DiskFull) as refused:
                log_contact(ws, pid, outcome="reached", minutes=5, note="x" * 4000)
        finally:
            filler.unlink()
        assert str(refused.value).startswith(FULL) and str(store.path) in str(refused.value)
        assert [r.minutes for r in history(ws, pid)] == [12]  # the store still works, nothing half-saved
    finally:
        ws.lock()
    assert _minutes(store, clock) == [12]


def test_commands_as_the_disk_fills_either_work_or_say_the_disk_is_full(store, disk, clock):
    """Real `caredesk` processes with 150, 60, 28 and 0 KiB left: each call is saved (exit 0,
    nothing on stderr) or refused with the one true line (exit 1); the last always refused.
    After space is freed the store holds exactly the calls that were saved and verifies."""
    saved = [12]
    for leave in (150, 60, 28, 0):
        filler = fill(disk, leave)
        done = run("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", str(leave + 1),
                   "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": PASSPHRASE})  # fmt: skip
        if done.returncode == 0:
            assert done.stderr == "" and leave > 0
            saved.append(leave + 1)
        else:
            assert done.returncode == 1 and _one_line(done).startswith(f"caredesk: {FULL}"), done.stderr
        if leave == 0:  # reading still works on a full disk, and says saving does not
            listed = run("patients", "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": PASSPHRASE})
            assert listed.returncode == 0 and "T0001" in listed.stdout, listed.stderr
            assert _one_line(listed) == f"caredesk: note: {DISK_FULL_NOTICE}"
        filler.unlink()
    assert done.returncode == 1  # nothing fits on a full disk
    assert _minutes(store, clock) == sorted(saved)
    verified = run("verify", "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": PASSPHRASE})
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_change_passphrase_on_a_full_disk_leaves_the_old_key_file_and_no_temporary_file(store, disk):
    before = store.key.read_bytes()
    filler = fill(disk, 0)
    done = run("change-passphrase", "--data-dir", str(store.path),
               env={"CAREDESK_PASSPHRASE": PASSPHRASE, "CAREDESK_NEW_PASSPHRASE": NEW_PASSPHRASE})  # fmt: skip
    assert done.returncode == 1 and _one_line(done).startswith(f"caredesk: {FULL}")
    filler.unlink()
    assert store.key.read_bytes() == before
    assert sorted(p.name for p in store.path.iterdir() if p.name.startswith("caredesk.key")) == ["caredesk.key"]
    assert run("verify", "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": PASSPHRASE}).returncode == 0


@pytest.fixture
def full_logs(store, tmp_path) -> Iterator[Path]:
    """The data folder's logs/ on a disk of its own that is full: every log line fails to be
    written, while the store beside it has room."""
    shutil.rmtree(store.logs, ignore_errors=True)
    store.logs.mkdir()
    why = _mount_tmpfs(store.logs, "64k")
    if why is not None:
        pytest.skip(why)
    try:
        fill(store.logs, 0)
        yield store.logs
    finally:
        _unmount(store.logs)


def test_log_lines_that_cannot_be_written_are_dropped_without_a_word(store, full_logs):
    """The tester's three tracebacks per command were logging's own report of lines it could not
    write (the code set cache, on the same full disk, logged three). The command's own output
    is all that is shown."""
    cache = full_logs / "cache"  # the ICD-10 cache cannot be written either: one more log line
    done = run("condition", "add", "--mrn", "T0001", "--code", "E119", "--data-dir", str(store.path),
               env={"CAREDESK_PASSPHRASE": PASSPHRASE, "CAREDESK_CACHE_DIR": str(cache)})  # fmt: skip
    assert done.stderr == ""
    assert "E11.9" in done.stdout


@pytest.mark.parametrize("leave_kib", [4, 16])
def test_change_passphrase_as_the_disk_fills_says_which_passphrase_now_opens_the_store(store, disk, leave_kib):
    """Whatever the room left, the message is true: either nothing changed (the old passphrase
    opens the store) or the passphrase changed (the new one opens it), even when the key file
    fitted and the audit entry after it did not."""
    filler = fill(disk, leave_kib)
    done = run("change-passphrase", "--data-dir", str(store.path),
               env={"CAREDESK_PASSPHRASE": PASSPHRASE, "CAREDESK_NEW_PASSPHRASE": NEW_PASSPHRASE})  # fmt: skip
    filler.unlink()
    opens_with_new = run("verify", "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": NEW_PASSPHRASE})
    if done.returncode == 0 or "The passphrase was changed - use the new one" in done.stderr:
        assert opens_with_new.returncode == 0, (done.stderr, opens_with_new.stderr)
    else:
        assert done.returncode == 1 and _one_line(done).startswith(f"caredesk: {FULL}")
        assert opens_with_new.returncode == 3
        assert run("verify", "--data-dir", str(store.path), env={"CAREDESK_PASSPHRASE": PASSPHRASE}).returncode == 0

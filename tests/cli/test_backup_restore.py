"""`caredesk backup` and `caredesk restore` as real processes (issue 11, Done when).

A backup made while another process logs calls restores on an empty folder to the same row
counts, passes `caredesk verify` and opens with the recovery code alone; a damaged backup,
a wrong secret and an open app are refused with the live store's files unchanged (SHA-256).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from caredesk.services.access import Access
from caredesk.store.engine import connect, open_engine
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC, assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.services.test_calls import _patient

NEW_PASSPHRASE = "restored on a new laptop"


@pytest.fixture
def live(tmp_path, clock) -> tuple[DataFolder, str]:
    """A store with three enrolled patients (M1..M3) and its recovery code."""
    folder = DataFolder(tmp_path / "live")
    ws, code = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    for mrn in ("M1", "M2", "M3"):
        _patient(ws, mrn)
    ws.lock()
    return folder, code


def _sha(folder: DataFolder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.files()}


def _rows_printed(stdout: str) -> dict[str, int]:
    return {m[1]: int(m[2].replace(",", "")) for m in re.finditer(r"^    (\w+)\s+([\d,]+)$", stdout, re.M)}


def _rows(folder: DataFolder, passphrase: str) -> dict[str, int]:
    from caredesk.store.backup import row_counts

    conn = connect(folder.db, KeyFile.read(folder.key).unwrap_with_passphrase(passphrase))
    try:
        return row_counts(conn)
    finally:
        conn.close()


def _backup(folder: DataFolder, to: Path) -> tuple[Path, dict[str, int]]:
    to.mkdir(exist_ok=True)
    r = run("backup", "--to", str(to), "--data-dir", str(folder.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    written = Path(re.search(r"^Backup written: (.+)$", r.stdout, re.M)[1])  # type: ignore[index]
    assert written.exists() and re.search(r"^Size: [\d.]+ (MB|kB)$", r.stdout, re.M)
    return written, _rows_printed(r.stdout)


def test_a_backup_to_an_absent_folder_says_so_in_one_line(live, tmp_path):
    folder, _ = live
    r = run("backup", "--to", str(tmp_path / "E:"), "--data-dir", str(folder.path))  # no passphrase needed
    assert_clean_failure(r, 1, "is not there — is the drive plugged in?")


def test_a_backup_into_the_data_folder_itself_is_refused(live):
    """CLI tester: `backup --to` the data folder was accepted; that copy is lost with the laptop."""
    folder, _ = live
    inside = folder.path / "my-backups"
    inside.mkdir()
    r = run("backup", "--to", str(inside), "--data-dir", str(folder.path))  # said before the passphrase
    assert_clean_failure(r, 1, "is inside CareDesk's data folder")
    assert "Choose a USB drive or another disk." in r.stderr and list(inside.iterdir()) == []


_LOOP = """
import os, subprocess, sys
for i in range(int(sys.argv[2])):
    r = subprocess.run([sys.executable, "-m", "caredesk", "log-contact", "--mrn", "M1", "--outcome", "reached",
                        "--minutes", "3", "--data-dir", sys.argv[1]], capture_output=True, text=True)
    print(r.returncode, r.stderr.strip(), flush=True)
"""


@pytest.mark.slow
def test_a_backup_made_while_calls_are_logged_restores_on_an_empty_folder_with_the_recovery_code(live, tmp_path):
    folder, code = live
    before = _rows(folder, PASSPHRASE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREDESK_")}
    env.update(PYTHONPATH=SRC, CAREDESK_PASSPHRASE=PASSPHRASE, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    loop = subprocess.Popen(
        [sys.executable, "-c", _LOOP, str(folder.path), "8"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert loop.stdout is not None
        assert loop.stdout.readline().startswith("0")  # the writer is under way
        backup, rows = _backup(folder, tmp_path / "usb")
        out, _ = loop.communicate(timeout=120)
    finally:
        loop.kill()
    assert all(line.startswith("0") for line in out.splitlines()), out  # no write failed meanwhile
    after = _rows(folder, PASSPHRASE)
    # One moment of the store: every call the backup holds has its minutes (one transaction each).
    logged = rows["contacts"] - before["contacts"]
    # The snapshot fell inside the loop: calls before it are in, calls after it went on (8 commands
    # of ~2 s each against one backup started after the first).
    assert 1 <= logged < after["contacts"] - before["contacts"] == 8
    assert rows["time_entries"] - before["time_entries"] == logged

    code_file = tmp_path / "code.txt"
    code_file.write_text(code + "\n")
    fresh = tmp_path / "new laptop"
    r = run(
        "restore",
        str(backup),
        "--data-dir",
        str(fresh),
        "--recovery-code-file",
        str(code_file),
        env={"CAREDESK_NEW_PASSPHRASE": NEW_PASSPHRASE},
    )
    assert r.returncode == 0, r.stderr
    assert "3 patients" in r.stdout and "Recovery code" in r.stdout
    restored = _rows(DataFolder(fresh), NEW_PASSPHRASE)
    assert {t: n for t, n in restored.items() if t != "audit_events"} == {
        t: n for t, n in rows.items() if t != "audit_events"
    }
    v = run("verify", "--data-dir", str(fresh), env={"CAREDESK_PASSPHRASE": NEW_PASSPHRASE})
    assert v.returncode == 0, v.stderr
    assert "audit chain: ok" in v.stdout


@pytest.mark.slow
def test_damaged_or_foreign_backups_and_wrong_secrets_leave_the_live_store_unchanged(live, tmp_path, clock):
    folder, _ = live
    backup, _rows_made = _backup(folder, tmp_path / "usb")
    raw = backup.read_bytes()
    with zipfile.ZipFile(backup) as zf:
        start = zf.getinfo("caredesk.db").header_offset + 30 + len("caredesk.db")
    flipped = bytearray(raw)
    flipped[start + 20_000] ^= 0x10
    (tmp_path / "flipped.cdbk").write_bytes(bytes(flipped))
    (tmp_path / "truncated.cdbk").write_bytes(raw[: len(raw) // 2])
    other = DataFolder(tmp_path / "other")
    ws, _ = Access(other, clock).create("another store's pass", kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    with zipfile.ZipFile(backup) as zin, zipfile.ZipFile(tmp_path / "foreign.cdbk", "w") as zout:
        for info in zin.infolist():
            data = other.key.read_bytes() if info.filename == "caredesk.key" else zin.read(info)
            zout.writestr(info, data)
    before = _sha(folder)
    cases = [
        ("flipped.cdbk", PASSPHRASE, 1, "flipped.cdbk is damaged or incomplete"),
        ("truncated.cdbk", PASSPHRASE, 1, "truncated.cdbk is damaged or incomplete"),
        ("foreign.cdbk", "another store's pass", 1, "its key file does not open its database"),
        (backup.name, "not the passphrase", 3, "when this backup was made"),
        ("absent.cdbk", PASSPHRASE, 1, "is not there"),
    ]
    for name, secret, exit_code, message in cases:
        path = tmp_path / name if name != backup.name else backup
        r = run("restore", str(path), "--data-dir", str(folder.path), "--replace", env={"CAREDESK_PASSPHRASE": secret})
        assert_clean_failure(r, exit_code, message)
        assert _sha(folder) == before, name
    assert sorted(p.name for p in folder.path.iterdir()) == ["caredesk.anchor", "caredesk.db", "caredesk.key", "logs"]


_HOLD = """
import sys
from pathlib import Path
from caredesk.ui.shell.single_instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
sys.stdin.read()
"""


@pytest.mark.slow
def test_restore_is_refused_while_the_app_has_the_folder_open(live, tmp_path):
    folder, _ = live
    backup, _ = _backup(folder, tmp_path / "usb")
    env = {**os.environ, "PYTHONPATH": SRC, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(folder.lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert app.stdout is not None and app.stdout.readline().strip() == "held"
        before = _sha(folder)
        r = run("restore", str(backup), "--data-dir", str(folder.path), "--replace", env=pw_env())
        assert_clean_failure(r, 1, "CareDesk is open for this data folder")
        assert _sha(folder) == before
    finally:
        app.communicate("", timeout=30)
    # The app gone (its lock file may stay behind after a crash): the restore goes ahead.
    r = run("restore", str(backup), "--data-dir", str(folder.path), "--replace", env=pw_env())
    assert r.returncode == 0, r.stderr
    assert "Kept, unchanged, in" in r.stdout and "the store this restore replaced." in r.stdout


def test_a_store_from_a_newer_caredesk_is_refused_by_every_command(live):
    folder, _ = live
    engine = open_engine(folder.db, KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9001'")
    engine.dispose()
    r = run("verify", "--data-dir", str(folder.path), env=pw_env())
    assert_clean_failure(
        r, 1, "This store was made by a newer version of CareDesk; install the newer version to open it."
    )

"""Lock and quit leave the whole store in its two files (issue 11, item 6): caredesk.db and
caredesk.key copied after a lock open elsewhere with every row. The newest changes live in
caredesk.db-wal until a checkpoint; SQLite checkpoints when the last connection closes, but not
while another process (a second window, a `caredesk` command) still has the store open, and a
copy of the two files then held none of them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

from caredesk.domain.patients import Patient
from caredesk.services.access import Access
from caredesk.services.patients import patient_list
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import SRC
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE, add_patient

_READER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from caredesk.store.engine import connect
    conn = connect(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]))
    conn.execute("SELECT count(*) FROM patients").fetchone()  # reads, then stays open, idle
    print("open", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    conn.close()
    """
)


def _patients_in_a_copy_of_the_two_files(folder: DataFolder, where: Path) -> int:
    where.mkdir()
    for name in ("caredesk.db", "caredesk.key"):
        shutil.copy2(folder.path / name, where / name)
    ws = Access(DataFolder(where)).unlock(PASSPHRASE)
    try:
        return len(patient_list(ws))
    finally:
        ws.lock()


def _add(ws, mrn: str) -> None:
    add_patient(ws, Patient(mrn=mrn, given_name="Ann", family_name="Tester", birth_date=date(1950, 3, 4)))


def test_after_a_lock_the_two_files_hold_every_row_while_another_process_has_the_store_open(tmp_path, clock):
    folder = DataFolder(tmp_path / "store")
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    _add(ws, "T0001")
    key = KeyFile.read(folder.key).unwrap_with_passphrase(PASSPHRASE)
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(folder.db), key.hex()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": SRC},
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        for n in range(2, 6):
            _add(ws, f"T000{n}")
        ws.lock()
        wal = folder.path / "caredesk.db-wal"
        assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
        assert _patients_in_a_copy_of_the_two_files(folder, tmp_path / "copy") == 5
    finally:
        assert reader.stdin is not None
        reader.stdin.close()
        reader.wait(timeout=60)


def test_after_a_lock_with_nobody_else_the_two_files_hold_every_row(tmp_path, clock):
    folder = DataFolder(tmp_path / "store")
    ws, _ = Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    for n in range(1, 4):
        _add(ws, f"T000{n}")
    ws.lock()
    assert _patients_in_a_copy_of_the_two_files(folder, tmp_path / "copy") == 3

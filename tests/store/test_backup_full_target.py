"""A backup onto a drive that is nearly full (issue 11, a tester's report): with 100 or 280 KiB
left on the destination `caredesk backup --to DIR` said "unexpected error (OperationalError)"
(SQLite's "database or disk is full" while copying the pages), with 400 KiB the true message.
Whatever the room left: the backup is written and verified, or "The drive holding DIR is full:
the backup was not written." and no partial file is left. Real `caredesk` processes; the
destination a real small tmpfs (tests/store/test_disk_full.py), the store on the normal disk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.store.test_disk_full import _mount_tmpfs, _unmount, fill


@pytest.fixture(scope="module")
def drive(tmp_path_factory) -> Iterator[Path]:
    where = tmp_path_factory.mktemp("small-drive")
    why = _mount_tmpfs(where, "2m")
    if why is not None:
        pytest.skip(why)
    yield where
    _unmount(where)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> DataFolder:
    folder = DataFolder(tmp_path_factory.mktemp("data") / "store")
    ws, _ = Access(folder).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    return folder


@pytest.mark.parametrize("leave_kib", [0, 40, 100, 200, 280, 400, 1200])
def test_a_backup_onto_a_nearly_full_drive_is_written_or_said_to_be_full(store, drive, leave_kib):
    target = drive / "backups"
    target.mkdir()
    filler = fill(drive, leave_kib)
    try:
        done = run("backup", "--to", str(target), "--data-dir", str(store.path),
                   env={"CAREDESK_PASSPHRASE": PASSPHRASE})  # fmt: skip
        left = sorted(p.name for p in target.iterdir())
    finally:
        filler.unlink()
        for p in target.iterdir():
            p.unlink()
        target.rmdir()
    assert "Traceback" not in done.stderr + done.stdout
    if done.returncode == 0:
        assert len(left) == 1 and left[0].endswith(".cdbk"), left
    else:
        assert done.returncode == 1, done.stderr
        assert done.stderr == f"caredesk: The drive holding {target} is full: the backup was not written.\n"
        assert left == []  # no partial file

"""A store on a full disk still shows its data and backs up to another drive (issue 11, a
tester's report): at 0 KiB free `caredesk contacts`, `verify` and `backup --to /other/drive` all
said "The disk is full - nothing was saved", because every unlock wrote (its audit event, the
anchor) and SQLite could not even make its -shm file. Expected: reads, verify and a verified
backup onto a drive with room work (the unlock says the disk is full and nothing can be saved);
saves fail with the disk-full message; the backup restores elsewhere. Real `caredesk` processes,
the store on a real full tmpfs, the backup on a second one.
"""

from __future__ import annotations

from pathlib import Path

from caredesk.services.access import DISK_FULL_NOTICE
from tests.cli.test_cli import run
from tests.conftest import PASSPHRASE
from tests.store.test_backup_full_target import drive  # noqa: F401 (fixture)
from tests.store.test_disk_full import FULL, disk, fill, store  # noqa: F401 (fixtures)

ENV = {"CAREDESK_PASSPHRASE": PASSPHRASE}


def test_a_full_disk_still_reads_verifies_and_backs_up_to_another_drive(store, disk, drive, tmp_path: Path):  # noqa: F811
    where = ("--data-dir", str(store.path))
    filler = fill(disk, 0)
    try:
        for command in (("contacts", "--mrn", "T0001"), ("patients",), ("queue",)):
            shown = run(*command, *where, env=ENV)
            assert shown.returncode == 0, (command, shown.stderr)
            assert shown.stderr == f"caredesk: note: {DISK_FULL_NOTICE}\n", shown.stderr
        assert "12 min" in run("contacts", "--mrn", "T0001", *where, env=ENV).stdout
        checked = run("verify", *where, env=ENV)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        saving = run("log-contact", "--mrn", "T0001", "--outcome", "reached", "--minutes", "3", *where, env=ENV)
        assert saving.returncode == 1 and saving.stderr.splitlines()[-1].startswith(f"caredesk: {FULL}")
        backed = run("backup", "--to", str(drive), *where, env=ENV)
        assert backed.returncode == 0, backed.stderr
    finally:
        filler.unlink()
    made = [p for p in drive.iterdir() if p.suffix == ".cdbk"]
    try:
        assert len(made) == 1
        elsewhere = tmp_path / "new-laptop"
        restored = run("restore", str(made[0]), "--data-dir", str(elsewhere), env=ENV)
        assert restored.returncode == 0, restored.stderr
        there = run("contacts", "--mrn", "T0001", "--data-dir", str(elsewhere), env=ENV)
        assert there.returncode == 0 and "12 min" in there.stdout, there.stderr
        assert run("verify", "--data-dir", str(elsewhere), env=ENV).returncode == 0
    finally:
        for p in made:
            p.unlink()

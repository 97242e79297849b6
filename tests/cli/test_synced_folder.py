"""A synced or network data folder is refused by the `caredesk` command before anything is
written there (issue 11 item 9): no folder, no logs/, no key file. Real processes, real folders
carrying the sync clients' markers."""

from __future__ import annotations

from pathlib import Path

from caredesk.services.access import Access
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_init_in_a_dropbox_folder_is_refused_and_creates_nothing(tmp_path):
    (tmp_path / "Work").mkdir()
    (tmp_path / "Work" / ".dropbox").write_text("{}")
    before = _listing(tmp_path)
    r = run("init", "--data-dir", str(tmp_path / "Work" / "CareDesk"), env=pw_env())
    assert_clean_failure(r, 1, "is inside a folder synced by Dropbox")
    assert "local disk" in r.stderr
    assert _listing(tmp_path) == before


def test_a_store_whose_folder_became_synced_is_not_opened(tmp_path, clock):
    # A store made on a local disk; later the folder is put under Nextcloud.
    folder = DataFolder(tmp_path / "cloud" / "CareDesk")
    Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)[0].lock()
    (tmp_path / "cloud" / ".sync_1a2b3c.db").write_bytes(b"")
    before = _listing(tmp_path)
    r = run("patients", "--data-dir", str(folder.path), env=pw_env())
    assert_clean_failure(r, 1, "synced by Nextcloud or ownCloud")
    assert _listing(tmp_path) == before  # not even logs/


def test_a_backup_may_go_to_a_synced_folder(tmp_path, clock):
    folder = DataFolder(tmp_path / "data")
    Access(folder, clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)[0].lock()
    target = tmp_path / "OneDrive - Lakeside Clinic" / "CareDesk backups"
    target.mkdir(parents=True)
    r = run("backup", "--to", str(target), "--data-dir", str(folder.path), env=pw_env())
    assert r.returncode == 0, r.stderr
    assert len(list(target.glob("*.cdbk"))) == 1

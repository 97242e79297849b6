"""`caredesk restore --recovery-code-file F --recovery-kit FILE` writes the recovery kit with
the NEW code after printing it (issue 11: init, change-passphrase --recovery-code-file and
recovery-code --new had --recovery-kit; restore, which issues a new code too, had not)."""

from __future__ import annotations

import stat

from caredesk.clock import FixedClock
from caredesk.services.access import Access
from caredesk.services.backup import make_backup
from caredesk.store.keys import KeyFile
from caredesk.store.vault import DataFolder
from tests.cli.test_cli import assert_clean_failure, pw_env, run
from tests.cli.test_recovery_cli import kit_text, printed_code, shows_folder
from tests.conftest import FAST_KDF, NOW, PASSPHRASE, ZONE


def _backup(tmp_path) -> tuple[str, str]:
    """(a backup of another laptop's store, its recovery code)."""
    ws, code = Access(DataFolder(tmp_path / "old laptop"), FixedClock(NOW)).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    (tmp_path / "usb").mkdir()
    try:
        return str(make_backup(ws, tmp_path / "usb").path), code
    finally:
        ws.lock()


def test_a_restore_with_the_recovery_code_writes_the_kit_of_the_new_code(tmp_path):
    backup, code = _backup(tmp_path)
    (tmp_path / "code.txt").write_text(code + "\n")
    fresh, kit = tmp_path / "new laptop", tmp_path / "kit.pdf"
    r = run(
        "restore",
        backup,
        "--data-dir",
        str(fresh),
        "--recovery-code-file",
        str(tmp_path / "code.txt"),
        "--recovery-kit",
        str(kit),
        env={"CAREDESK_NEW_PASSPHRASE": "restored on a new laptop"},
    )
    assert r.returncode == 0, r.stderr
    new = printed_code(r.stdout)
    assert new != code and r.stdout.index(new) < r.stdout.index(f"Recovery kit written to {kit}")
    KeyFile.read(fresh / "caredesk.key").unwrap_with_recovery(new)  # the kit's code is the one in effect
    text = kit_text(kit)
    assert new in text and shows_folder(text, fresh) and code not in text
    assert stat.S_IMODE(kit.stat().st_mode) == 0o600


def test_the_kit_is_refused_before_anything_changes(tmp_path):
    backup, code = _backup(tmp_path)
    (tmp_path / "code.txt").write_text(code + "\n")
    fresh = tmp_path / "new laptop"
    r = run("restore", backup, "--data-dir", str(fresh), "--recovery-kit", str(tmp_path / "kit.pdf"), env=pw_env())
    assert_clean_failure(r, 2, "--recovery-kit: goes with --recovery-code-file")
    r = run(
        "restore",
        backup,
        "--data-dir",
        str(fresh),
        "--recovery-code-file",
        str(tmp_path / "code.txt"),
        "--recovery-kit",
        str(tmp_path / "nope" / "kit.pdf"),
        env={"CAREDESK_NEW_PASSPHRASE": "restored on a new laptop"},
    )
    assert_clean_failure(r, 1, "--recovery-kit: the folder")
    assert not fresh.exists()

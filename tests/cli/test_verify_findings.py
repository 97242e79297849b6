"""What verify fails on: problems found now, not findings an earlier unlock recorded (issue 11,
a tester). A store whose caredesk.db and caredesk.key were copied without caredesk.anchor
failed every later verify ("found at the unlock of 12/01/2026 10:35: the anchor file ... is
missing", "Restore the last backup"), even after a backup and restore, over intact data.
Real stores, real `caredesk` processes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from caredesk.services.access import DISK_FULL_NOTICE, Access
from caredesk.store.vault import DataFolder
from caredesk.ui.shell.notice_bar import FAILURE_ADVICE, notice_lines
from tests.cli.test_cli import pw_env, run
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.store.test_audit_anchor import _sql


def _closed_store(where: Path, clock) -> DataFolder:
    folder = DataFolder(where)
    access = Access(folder, clock)
    ws, _ = access.create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    access.unlock(PASSPHRASE).lock()
    return folder


def test_a_store_copied_without_its_anchor_is_said_once_then_an_earlier_finding(tmp_path: Path, clock) -> None:
    original = _closed_store(tmp_path / "data", clock)
    copy = tmp_path / "copied"
    copy.mkdir()
    for name in ("caredesk.db", "caredesk.key"):  # as a user copies "the two files"
        shutil.copy2(original.path / name, copy / name)
    first = run("verify", "--data-dir", str(copy), env=pw_env())
    assert first.returncode == 1, first.stdout + first.stderr
    assert (
        "problem: audit log: the anchor file caredesk.anchor is missing: most likely the store's files were copied"
        in first.stdout
    )
    assert "if you did that, nothing is wrong" in first.stdout
    assert "Restore" not in first.stderr and "restore" not in first.stderr  # no restore over intact data
    opened = run("patients", "--data-dir", str(copy), env=pw_env())  # an unlock that writes anchors it again
    assert opened.returncode == 0, opened.stderr
    for _ in range(2):  # and every verify after it passes, listing what that unlock found
        again = run("verify", "--data-dir", str(copy), env=pw_env())
        assert again.returncode == 0, again.stdout + again.stderr
        assert "problem:" not in again.stdout
        assert (
            "earlier finding: audit log: found at the unlock of 11/24/2026 10:30: the anchor file caredesk.anchor is missing"
            in again.stdout
        )
        assert "audit chain: ok" in again.stdout


def test_a_truncated_log_fails_every_verify(tmp_path: Path, clock) -> None:
    store = _closed_store(tmp_path / "data", clock)
    _sql(store, "DROP TRIGGER audit_events_no_delete", "DELETE FROM audit_events WHERE seq > 2")
    for _ in range(3):
        r = run("verify", "--data-dir", str(store.path), env=pw_env())
        assert r.returncode == 1, r.stdout + r.stderr
        assert "the newest 3 events were removed" in r.stdout and "Restore the last backup" in r.stderr


def test_the_notice_bar_reads_typed_findings_not_a_text_prefix(tmp_path: Path, clock) -> None:
    access = Access(DataFolder(tmp_path / "none"), clock)
    access.disk_full = True
    lines, serious = notice_lines(access)
    assert lines == [DISK_FULL_NOTICE] and not serious  # no "if that was not you" on a full disk
    access.attempts, access.audit_problems = "3 failed unlock attempts since 11/24 10:30", ["Audit log: x"]
    lines, serious = notice_lines(access)
    assert serious and lines[1] == "Audit log: Audit log: x."  # a problem's own words never change its kind
    assert f"3 failed unlock attempts since 11/24 10:30. {FAILURE_ADVICE}" in lines
    assert notice_lines(None) == ([], False)
